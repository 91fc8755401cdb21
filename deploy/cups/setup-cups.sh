#!/bin/sh
# Prepares CUPS on the kiosk (run as root; Debian 12, CUPS 2.4).
#
#   deploy/cups/setup-cups.sh                         server settings only
#   deploy/cups/setup-cups.sh QUEUE DEVICE_URI [MODEL] also (re)create the kiosk's queue
#
# Every job the kiosk prints carries personal data (name, masked ID, phone, address, the request).
# By default CUPS keeps the spooled document of a finished job for a day
# (/var/spool/cups/d000NN-001). `PreserveJobFiles No` in cupsd.conf makes cupsd delete it as
# soon as the job is completed, cancelled or aborted. CUPS has no per-queue form of this setting
# (it is server-wide), so the kiosk's CUPS should serve the kiosk only. The job history (job
# number, title = receipt number, state) is kept: staff and the tests read it with `lpstat -W
# completed`.
#
# QUEUE is `requests.cups_queue` of the kiosk configuration ("kiosk" in the example), DEVICE_URI
# the printer (`lpinfo -v` lists them, e.g. ipp://192.168.1.60/ipp/print), MODEL a driver
# (`lpinfo -m`; default "everywhere" for IPP Everywhere printers).
set -eu

# cupsctl writes the line into /etc/cups/cupsd.conf and restarts the scheduler (only when the
# setting changes).
if ! cupsctl | grep -qx 'PreserveJobFiles=No'; then
    cupsctl PreserveJobFiles=No
    sleep 1
fi
if ! cupsctl | grep -qx 'PreserveJobFiles=No'; then
    echo "setup-cups: PreserveJobFiles is not No in cupsd.conf; set it by hand" >&2
    exit 1
fi
# The restart takes a moment; wait for the scheduler before going on.
i=0
until lpstat -r 2>/dev/null | grep -q 'scheduler is running'; do
    i=$((i + 1))
    if [ "$i" -gt 75 ]; then
        echo "setup-cups: cupsd did not come back after the restart" >&2
        exit 1
    fi
    sleep 0.2
done

if [ "$#" -ge 2 ]; then
    queue=$1
    uri=$2
    model=${3:-everywhere}
    lpadmin -p "$queue" -E -v "$uri" -m "$model" -o printer-is-shared=false
    lpadmin -d "$queue"
    echo "setup-cups: queue $queue ready on $uri; job files are deleted when a job is done"
else
    echo "setup-cups: job files are deleted when a job is done"
fi

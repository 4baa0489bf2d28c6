import sys,re
import os
W=os.environ.get("WORK","/tmp/i17")
SPL=os.environ.get("SPL","h1 h2 h3 h4").split()
def rows(n,h):
    out=[]
    for l in open(f"{W}/{n}-{h}.tsv"):
        c=l.rstrip("\n").split("\t")
        if c[0]=="dev": out.append(dict(a=c[1]=="attack", ret=c[4]=="retrieved", p=float(c[6]), r=c[7]=="1", s=float(c[11])))
    return out
def stack_thr(n):
    if n=="bundled": return 0.8753,0.8981
    m=re.search(r"### stacked \(learned.*thresholds user ([0-9.]+), retrieved ([0-9.]+)", open(f"{W}/{n}.log").read())
    return float(m.group(1)), float(m.group(2))
def or_at(rs, maxfp):
    # bundled OR with one learned threshold raised until FP <= maxfp
    best=None
    ps=sorted(set(r["p"] for r in rs if not r["a"]))
    cands=[0.9891]+[p+1e-7 for p in ps if p>=0.5]+[1.01]
    for t in sorted(cands):
        fl=[r["r"] or r["p"]>=t for r in rs]
        fp=sum(f for f,r in zip(fl,rs) if not r["a"]); 
        if fp<=maxfp:
            tp=sum(f for f,r in zip(fl,rs) if r["a"]); return tp, fp
    return 0,0
for n in sys.argv[1:]:
    tu,tr=stack_thr(n); diffs=[]
    for h in SPL:
        rs=rows(n,h); A=sum(r["a"] for r in rs); B=len(rs)-A
        fl=[r["s"]>=(tr if r["ret"] else tu) for r in rs]
        tp=sum(f for f,r in zip(fl,rs) if r["a"]); fp=sum(f for f,r in zip(fl,rs) if not r["a"])
        otp,ofp=or_at(rows("bundled",h), fp)
        diffs.append(100*(tp-otp)/A)
        print(f"{n:8s} {h}: stacked {100*tp/A:.1f}% at {100*fp/B:.1f}% ({fp}) | bundled OR at <= that FP: {100*otp/A:.1f}% at {100*ofp/B:.1f}% | diff {100*(tp-otp)/A:+.1f}")
    print(n,"mean diff",sum(diffs)/len(diffs))

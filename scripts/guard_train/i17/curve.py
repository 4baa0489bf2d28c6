# detection at k benign flags: stacked (threshold-free, one threshold) vs bundled OR (rules fixed,
# learned threshold varied). k over the OR's feasible range: from the rules' own FP count to the
# bundled OR's FP count at its own thresholds (+2). Mean over k of (stacked - OR) in points.
import sys, os
W=os.environ.get("WORK","/tmp/i17")
def rows(n,h):
    out=[]
    for l in open(f"{W}/{n}-{h}.tsv"):
        c=l.rstrip("\n").split("\t")
        if c[0]=="dev": out.append(dict(a=c[1]=="attack", p=float(c[6]), r=c[7]=="1", s=float(c[11])))
    return out
def stacked_at(rs,k):
    b=sorted([r["s"] for r in rs if not r["a"]], reverse=True)
    t=b[k] if k<len(b) else -1
    return sum(r["s"]>t for r in rs if r["a"])
def or_at(rs,k):
    ps=sorted(set(r["p"] for r in rs if not r["a"]))
    for t in [0.5]+[p+1e-7 for p in ps]+[1.01]:
        fl=[r["r"] or r["p"]>=t for r in rs]
        fp=sum(f for f,r in zip(fl,rs) if not r["a"])
        if fp<=k: return sum(f for f,r in zip(fl,rs) if r["a"])
    return None
spl=os.environ.get("SPL","h1 h2 h3 h4").split()
for n in sys.argv[1:]:
    means=[]
    for h in spl:
        rs=rows(n,h); ob=rows("bundled",h); A=sum(r["a"] for r in rs); B=len(rs)-A
        floor=sum(r["r"] for r in ob if not r["a"])
        own=sum((r["r"] or r["p"]>=0.9891) for r in ob if not r["a"])
        ks=range(floor, own+3)
        d=[100*(stacked_at(rs,k)-or_at(ob,k))/A for k in ks]
        s_floor=100*stacked_at(rs,max(0,floor-1))/A
        means.append(sum(d)/len(d))
        print(f"{n:7s} {h}: k={floor}..{own+2} ({100*floor/B:.1f}..{100*(own+2)/B:.1f}% FP) stacked-OR mean {sum(d)/len(d):+.1f} [{' '.join(f'{x:+.1f}' for x in d)}]; stacked below the OR floor (k={max(0,floor-1)}): {s_floor:.1f}%")
    print(n,"mean",f"{sum(means)/len(means):+.2f}")

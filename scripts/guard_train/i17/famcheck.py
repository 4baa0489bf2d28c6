import os,re,sys,collections
W=os.environ.get("WORK","/tmp/i17")
def thr(n):
    if n=="bundled": return 0.8751,0.8979
    t=open(f"{W}/{n}.log").read(); g=re.search(r"### stacked \(learned.*thresholds user ([0-9.]+), retrieved ([0-9.]+)",t); return float(g.group(1)),float(g.group(2))
def rows(n,h):
    out=[]
    for l in open(f"{W}/{n}-{h}.tsv"):
        c=l.rstrip("\n").split("\t")
        if c[0]=="dev": out.append(dict(a=c[1]=="attack", fam=c[2], ret=c[4]=="retrieved", p=float(c[6]), r=c[7]=="1", s=float(c[11])))
    return out
for n in sys.argv[1:]:
    tu,tr=thr(n); fam=collections.defaultdict(lambda:[0,0,0]); ok=True
    for h in ["h3","h4"]:
        for x,y in zip(rows("bundled",h),rows(n,h)):
            f=fam[(x["a"],x["fam"])]; f[0]+=1
            f[1]+= x["r"] or x["p"]>=(0.9926 if x["ret"] else 0.9891); f[2]+= y["s"]>=(tr if y["ret"] else tu)
    out=[]
    for k in sorted(fam):
        m,o,s=fam[k]
        if k[0] and m>=20:
            d=100*(s-o)/m; ok&= d>=-5; out.append(f"{k[1]} {100*o/m:.1f}->{100*s/m:.1f}")
    bo=sum(v[1] for k,v in fam.items() if not k[0]); bs=sum(v[2] for k,v in fam.items() if not k[0])
    print(f"{n:8s} thr {tu:.4f}/{tr:.4f} benign {bo}->{bs} | "+"; ".join(out)+f" | {'PASS' if ok else 'FAIL'}")

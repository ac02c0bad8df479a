import sys; sys.path.insert(0, "/work/wt-h-opt"); sys.path.insert(1, "/tmp/oldpb")
from fractions import Fraction
import old_peak_bound as old
from verify.opt import peak_bound as new
from verify.opt.bounds import lower_bound
from verify.opt.ramp_bound import ramp_area_bound
from verify.opt.families import parent_instance
from models.engine_fast import simulate_fast
def ramp(inst):
    r=inst.requests
    return ramp_area_bound(sorted(x.a+x.o for x in r), sorted(x.o*x.s+x.o*(x.o+1)//2 for x in r), inst.M)-sum(x.a for x in r)
for which in ("zero", "poisson"):
    wo = []; wn = []; wr=[]; rampwins=0
    for seed in range(200):
        inst = parent_instance(seed, poisson=which == "poisson")
        h = simulate_fast(inst, "hsf").tel
        a = lower_bound(inst)
        lo, ln = max(a, old.peak_lower_bound(inst)), max(a, new.peak_lower_bound(inst))
        lr = max(ln, ramp(inst)); rampwins += ramp(inst) > ln
        wo.append(Fraction(h - lo, h)); wn.append(Fraction(h - ln, h)); wr.append(Fraction(h - lr, h))
    print(which, "mean width old %.4f peak2 %.4f +ramp %.4f" % (sum(wo)/200, sum(wn)/200, sum(wr)/200),
          "widest %.4f %.4f %.4f" % (max(wo), max(wn), max(wr)), "ramp wins", rampwins)

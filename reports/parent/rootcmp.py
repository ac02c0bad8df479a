import sys; sys.path.insert(0, "/work/wt-h-opt"); sys.path.insert(1, "/tmp/oldpb")
from fractions import Fraction
import old_peak_bound as old
from verify.opt import peak_bound as new
from verify.opt.bounds import lower_bound
from verify.opt.families import parent_instance
from models.engine_fast import simulate_fast
for which in ("zero", "poisson"):
    better = 0; wo = []; wn = []; gain = []
    for seed in range(200):
        inst = parent_instance(seed, poisson=which == "poisson")
        h = simulate_fast(inst, "hsf").tel
        a = lower_bound(inst)
        lo, ln = max(a, old.peak_lower_bound(inst)), max(a, new.peak_lower_bound(inst))
        assert ln >= lo
        better += ln > lo
        wo.append(Fraction(h - lo, h)); wn.append(Fraction(h - ln, h)); gain.append(Fraction(ln - lo, lo))
    print(which, "trials", len(wo), "new>old", better, "mean width old %.4f new %.4f" % (sum(wo)/len(wo), sum(wn)/len(wn)),
          "widest old %.4f new %.4f" % (max(wo), max(wn)), "mean gain %.4f max gain %.4f" % (sum(gain)/len(gain), max(gain)))

package dev.shuttle.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Go's power-series program, ported to Shuttle: McIlroy's power series as demand-driven networks of
 * threads, one per operator, talking over pairs of rendezvous channels (a request channel and a
 * data channel) with selects that switch cases on and off. Every coefficient is exact rational
 * arithmetic; the test checks the first ten terms of each series, as Go's does.
 *
 * <p>Source: <a href="https://github.com/golang/go/blob/master/test/chan/powser1.go">golang/go
 * test/chan/powser1.go</a>, stored copy at commit {@code 4f61fc96b2788be7cbfc6f7a72acef3d3feeeb6c};
 * the algorithm is from Doug McIlroy, "Squinting at Power Series". Its generators never stop (Go
 * simply exits), so they run under the cancellable context of {@link
 * GoChanProgramsTest.Goroutines}, which the test cancels and then checks that every thread has
 * ended.
 *
 * <p>Not ported: the program's printing mode (run with an argument), and the operators its test
 * does not call ({@code Recip}, {@code Subst}, {@code Binom}, {@code Mon}, {@code Monmul}, {@code
 * Xmul}, {@code Shift}, {@code eval}, {@code evaln}, {@code printn}). {@code powser2.go} is the
 * same program with interface-typed channel elements, which Java's generics make identical.
 */
class GoPowser1Test {

  /** The test branch of powser1.go's {@code main}. */
  @Test
  @Timeout(60)
  void powser1() throws Exception {
    try (GoChanProgramsTest.Goroutines g = new GoChanProgramsTest.Goroutines()) {
      Powser p = new Powser(g);
      Rat[] a = new Rat[N];

      p.check(p.ones, ONE, 5, "Ones");
      p.check(p.add(p.ones, p.ones), itor(2), 0, "Add Ones Ones"); // 1 1 1 1 1
      p.check(p.add(p.ones, p.twos), itor(3), 0, "Add Ones Twos"); // 3 3 3 3 3

      Dch d = p.diff(p.ones);
      for (int i = 0; i < N; i++) {
        a[i] = itor(i + 1);
      }
      p.checka(d, a, "Diff"); // 1 2 3 4 5

      Dch in = p.integ(ZERO, p.ones);
      a[0] = ZERO; // integration constant
      for (int i = 1; i < N; i++) {
        a[i] = i2tor(1, i);
      }
      p.checka(in, a, "Integ"); // 0 1 1/2 1/3 1/4 1/5

      p.check(p.cmul(neg(ONE), p.twos), itor(-2), 10, "CMul"); // -1 -1 -1 -1 -1
      p.check(p.sub(p.ones, p.twos), itor(-1), 0, "Sub Ones Twos"); // -1 -1 -1 -1 -1

      Dch m = p.mul(p.ones, p.ones);
      for (int i = 0; i < N; i++) {
        a[i] = itor(i + 1);
      }
      p.checka(m, a, "Mul"); // 1 2 3 4 5

      Dch e = p.exp(p.ones);
      a[0] = itor(1);
      a[1] = itor(1);
      a[2] = i2tor(3, 2);
      a[3] = i2tor(13, 6);
      a[4] = i2tor(73, 24);
      a[5] = i2tor(167, 40);
      a[6] = i2tor(4051, 720);
      a[7] = i2tor(37633, 5040);
      a[8] = i2tor(43817, 4480);
      a[9] = i2tor(4596553, 362880);
      p.checka(e, a, "Exp"); // 1 1 3/2 13/6 73/24

      Dch at = p.integ(ZERO, p.monSubst(p.ones, neg(ONE), 2));
      for (int c = 1, i = 0; i < N; i++) {
        if (i % 2 == 0) {
          a[i] = ZERO;
        } else {
          a[i] = i2tor(c, i);
          c *= -1;
        }
      }
      p.checka(at, a, "ATan"); // 0 -1 0 -1/3 0 -1/5
    }
  }

  private static final int N = 10;

  // ------------------------------------------------------------------ rationals
  // (Go's lower-case add and mul on rats are ratAdd and ratMul here; add and mul are the series')

  /** A rational; a denominator of zero marks the end of a series. */
  private record Rat(long num, long den) {}

  /** Integer gcd; needed for rational arithmetic. */
  private static long gcd(long u, long v) {
    if (u < 0) {
      return gcd(-u, v);
    }
    if (u == 0) {
      return v;
    }
    return gcd(v % u, u);
  }

  private static Rat i2tor(long u, long v) {
    long g = gcd(u, v);
    return v > 0 ? new Rat(u / g, v / g) : new Rat(-u / g, -v / g);
  }

  private static Rat itor(long u) {
    return i2tor(u, 1);
  }

  private static final Rat ZERO = itor(0);
  private static final Rat ONE = itor(1);
  private static final Rat FINIS = i2tor(1, 0); // end mark

  private static boolean end(Rat u) {
    return u.den() == 0;
  }

  private static Rat ratAdd(Rat u, Rat v) {
    long g = gcd(u.den(), v.den());
    return i2tor(u.num() * (v.den() / g) + v.num() * (u.den() / g), u.den() * (v.den() / g));
  }

  private static Rat ratMul(Rat u, Rat v) {
    long g1 = gcd(u.num(), v.den());
    long g2 = gcd(u.den(), v.num());
    return new Rat((u.num() / g1) * (v.num() / g2), (u.den() / g2) * (v.den() / g1));
  }

  private static Rat neg(Rat u) {
    return i2tor(-u.num(), u.den());
  }

  // ------------------------------------------------------------------ demand channels

  /** A power series: a demand channel; a value on {@code req} asks for the next {@code dat}. */
  private record Dch(Channel<Integer> req, Channel<Rat> dat) {
    static Dch make() {
      return new Dch(Channel.rendezvous(), Channel.rendezvous());
    }
  }

  /** The operators; each starts the threads that compute its series, in {@code g}. */
  private static final class Powser {
    private final GoChanProgramsTest.Goroutines g;
    private final AtomicInteger seqno = new AtomicInteger();
    final Dch ones;
    final Dch twos;

    Powser(GoChanProgramsTest.Goroutines g) {
      this.g = g;
      this.ones = rep(ONE);
      this.twos = rep(itor(2));
    }

    /**
     * Reads a single demand channel and replicates its output onto two, which may be read at
     * different rates. A thread is created at first demand for a rat and ends after the rat has
     * been sent to both outputs. The newest generation serves requests on {@code out[0]}, the
     * oldest on {@code out[1]}; a signal on the release-wait channel tells the next newer
     * generation to begin serving {@code out[1]}.
     */
    void dosplit(Dch in, Dch[] out, Channel<Integer> wait) throws InterruptedException {
      boolean both = false; // do not serve both channels
      if (Select.select(out[0].req().onReceive(v -> false), wait.onReceive(v -> true))) {
        both = true;
        if (Select.select(out[0].req().onReceive(v -> false), out[1].req().onReceive(v -> true))) {
          Dch first = out[0];
          out[0] = out[1];
          out[1] = first;
        }
      }
      in.req().send(seqno.incrementAndGet());
      Channel<Integer> release = Channel.rendezvous();
      g.go(() -> dosplit(in, out, release));
      Rat dat = in.dat().receive();
      out[0].dat().send(dat);
      if (!both) {
        wait.receive();
      }
      out[1].req().receive();
      out[1].dat().send(dat);
      release.send(0);
    }

    void split(Dch in, Dch[] out) throws InterruptedException {
      Channel<Integer> release = Channel.rendezvous();
      g.go(() -> dosplit(in, out, release));
      release.send(0);
    }

    static void put(Rat dat, Dch out) throws InterruptedException {
      out.req().receive();
      out.dat().send(dat);
    }

    Rat get(Dch in) throws InterruptedException {
      in.req().send(seqno.incrementAndGet());
      return in.dat().receive();
    }

    /** Gets one rat from each of two demand channels, serving whichever is ready first. */
    Rat[] get2(Dch in0, Dch in1) throws InterruptedException {
      Dch[] in = {in0, in1};
      boolean[] req = {true, true};
      boolean[] dat = {false, false};
      Rat[] out = new Rat[2];
      for (int n = 4; n > 0; n--) {
        int seq = seqno.incrementAndGet();
        int chosen =
            Select.select(
                in[0].req().onSend(seq, () -> 0).onlyIf(req[0]),
                in[1].req().onSend(seq, () -> 1).onlyIf(req[1]),
                in[0].dat().onReceive(it -> store(out, 0, it)).onlyIf(dat[0]),
                in[1].dat().onReceive(it -> store(out, 1, it)).onlyIf(dat[1]));
        if (chosen < 2) { // a request went out: now wait for its data (Go: dat[i] = in[i].dat)
          dat[chosen] = true;
          req[chosen] = false;
        } else {
          dat[chosen - 2] = false;
        }
      }
      return out;
    }

    private static int store(Rat[] out, int i, Rat it) {
      out[i] = it;
      return 2 + i;
    }

    void copy(Dch in, Dch out) throws InterruptedException {
      while (true) {
        out.req().receive();
        out.dat().send(get(in));
      }
    }

    Dch rep(Rat c) {
      Dch z = Dch.make();
      g.go(
          () -> {
            while (true) {
              put(c, z);
            }
          });
      return z;
    }

    /** Makes a pair of power series identical to a given power series. */
    Dch[] split(Dch u) {
      Dch[] uu = {Dch.make(), Dch.make()};
      g.go(() -> split(u, uu));
      return uu;
    }

    Dch add(Dch u, Dch v) {
      Dch z = Dch.make();
      g.go(
          () -> {
            while (true) {
              z.req().receive();
              Rat[] uv = get2(u, v);
              switch ((end(uv[0]) ? 1 : 0) + 2 * (end(uv[1]) ? 1 : 0)) {
                case 0 -> z.dat().send(ratAdd(uv[0], uv[1]));
                case 1 -> {
                  z.dat().send(uv[1]);
                  copy(v, z);
                }
                case 2 -> {
                  z.dat().send(uv[0]);
                  copy(u, z);
                }
                default -> z.dat().send(FINIS);
              }
            }
          });
      return z;
    }

    /** Multiplies a power series by a constant. */
    Dch cmul(Rat c, Dch u) {
      Dch z = Dch.make();
      g.go(
          () -> {
            boolean done = false;
            while (!done) {
              z.req().receive();
              Rat r = get(u);
              if (end(r)) {
                done = true;
              } else {
                z.dat().send(ratMul(c, r));
              }
            }
            z.dat().send(FINIS);
          });
      return z;
    }

    Dch sub(Dch u, Dch v) {
      return add(u, cmul(neg(ONE), v));
    }

    /** Multiplies: with U = u + x*UU and V = v + x*VV, UV = u*v + x*(u*VV+v*UU) + x*x*UU*VV. */
    Dch mul(Dch u, Dch v) {
      Dch z = Dch.make();
      g.go(
          () -> {
            z.req().receive();
            Rat[] uv = get2(u, v);
            if (end(uv[0]) || end(uv[1])) {
              z.dat().send(FINIS);
            } else {
              z.dat().send(ratMul(uv[0], uv[1]));
              Dch[] uu = split(u);
              Dch[] vv = split(v);
              Dch w = add(cmul(uv[0], vv[0]), cmul(uv[1], uu[0]));
              z.req().receive();
              z.dat().send(get(w));
              copy(add(w, mul(uu[1], vv[1])), z);
            }
          });
      return z;
    }

    /** Differentiates. */
    Dch diff(Dch u) {
      Dch z = Dch.make();
      g.go(
          () -> {
            z.req().receive();
            Rat r = get(u);
            if (!end(r)) {
              boolean done = false;
              for (int i = 1; !done; i++) {
                r = get(u);
                if (end(r)) {
                  done = true;
                } else {
                  z.dat().send(ratMul(itor(i), r));
                  z.req().receive();
                }
              }
            }
            z.dat().send(FINIS);
          });
      return z;
    }

    /** Integrates, with constant of integration {@code c}. */
    Dch integ(Rat c, Dch u) {
      Dch z = Dch.make();
      g.go(
          () -> {
            put(c, z);
            boolean done = false;
            for (int i = 1; !done; i++) {
              z.req().receive();
              Rat r = get(u);
              if (end(r)) {
                done = true;
              }
              z.dat().send(ratMul(i2tor(1, i), r));
            }
            z.dat().send(FINIS);
          });
      return z;
    }

    /**
     * Exponential of a power series with constant term 0: Z = exp(U), DZ = Z*DU, integrated (Go's
     * "bug: the constant term is simply ignored" applies).
     */
    Dch exp(Dch u) throws InterruptedException {
      Dch[] zz = {Dch.make(), Dch.make()};
      split(integ(ONE, mul(zz[0], diff(u))), zz);
      return zz[1];
    }

    /** Monomial substitution U(c x^n): each Ui is multiplied by c^i and followed by n-1 zeros. */
    Dch monSubst(Dch u, Rat c0, int n) {
      Dch z = Dch.make();
      g.go(
          () -> {
            Rat c = ONE;
            while (true) {
              z.req().receive();
              Rat r = get(u);
              z.dat().send(ratMul(r, c));
              c = ratMul(c, c0);
              if (end(r)) {
                z.dat().send(FINIS);
                break;
              }
              for (int i = 1; i < n; i++) {
                z.req().receive();
                z.dat().send(ZERO);
              }
            }
          });
      return z;
    }

    void check(Dch u, Rat c, int count, String str) throws InterruptedException {
      for (int i = 0; i < count; i++) {
        assertThat(get(u)).as(str).isEqualTo(c);
      }
    }

    void checka(Dch u, Rat[] a, String str) throws InterruptedException {
      for (int i = 0; i < N; i++) {
        check(u, a[i], 1, str + " term " + i);
      }
    }
  }
}

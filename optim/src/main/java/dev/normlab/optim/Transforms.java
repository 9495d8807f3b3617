package dev.normlab.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The gradient transforms of the stateless optimizers, as pure functions over {@link NDArray}.
 *
 * <p>Every function accepts a single matrix {@code (m, n)} or a stack {@code (B, m, n)} of
 * same-shaped matrices; a stack is processed in one batched call (one JNI crossing per op for
 * the whole stack), and each slice gets exactly what the single-matrix call would give. All math
 * runs in fp32 whatever the input dtype; results are fp32 and live on the input's manager;
 * every intermediate is closed before returning.
 *
 * <p>Sources: SinkGD, arXiv 2502.06742 (SR-Sinkhorn); SWAN, arXiv 2412.13148 (GradNorm +
 * GradWhitening).
 */
public final class Transforms {

    /** SinkGD's number of SR-Sinkhorn rounds L. */
    public static final int DEFAULT_SINKHORN_ROUNDS = 5;
    /** SWAN's number of coupled Newton–Schulz steps k (5 is not enough; see OPTIMIZERS.md). */
    public static final int DEFAULT_NEWTON_SCHULZ_STEPS = 10;
    /** Clamp of every norm / std we divide by: keeps zero rows and columns at zero. */
    public static final float DEFAULT_EPS = 1e-8f;

    private Transforms() {}

    /**
     * SR-Sinkhorn normalization of SinkGD: {@code X = diag(r) · G · diag(c)}.
     *
     * <pre>
     * X = G (fp32)
     * repeat L times:
     *     X = X * (sqrt(n) / max(rowNorm2(X), eps))      # every row -> l2 norm sqrt(n)
     *     X = X * (sqrt(m) / max(colNorm2(X), eps))      # every column -> l2 norm sqrt(m)
     * </pre>
     *
     * Computed in the fast form of {@link #sinkhornScales}; X itself is formed once at the end.
     *
     * @param g gradient {@code (m, n)} or stack {@code (B, m, n)}, any float dtype
     * @param rounds L, at least 1
     * @param eps clamp of the norms
     * @return X in fp32, same shape as g, on g's manager
     */
    public static NDArray sinkhornNormalize(NDArray g, int rounds, float eps) {
        try (NDManager scope = NDManager.subManagerOf(g)) {
            scope.tempAttachAll(g);
            NDList rc = sinkhornScales(g, rounds, eps);
            NDArray x = fp32(g).mul(rc.get(0)).muli(rc.get(1));
            return scope.ret(x);
        }
    }

    /**
     * The row and column scales of SR-Sinkhorn: {@code X = G * r * c} with r of shape
     * {@code (…, m, 1)} and c of shape {@code (…, 1, n)}.
     *
     * <p>Fast form: with {@code P = G ⊙ G} computed once, the row norms of the current X are
     * {@code r ⊙ sqrt(P · c²)} and its column norms {@code c ⊙ sqrt((r²)ᵀ · P)}, so each
     * half-iteration is one matrix–vector product over P plus work on short vectors: about two
     * passes over the matrix per round instead of six. As the old r cancels from the row step
     * ({@code sqrt(n)·r / (r·sqrt(P c²))}), the scales are iterated as their squares with three
     * native calls per half-step (on small matrices the calls, not the arithmetic, are the cost):
     * {@code r² = n / max(P c², eps²)}, {@code c² = m / max(Pᵀ r², eps²)}. The clamp thus bounds the
     * norms of G·diag(c) and diag(r)·G instead of those of the current X: the same unless a row or
     * column of X is below eps; an all-zero row or column gets a finite scale (n / eps²), so it
     * stays zero without NaN and needs no mask.
     *
     * @return {@code NDList(r, c)}, fp32, on g's manager
     */
    public static NDList sinkhornScales(NDArray g, int rounds, float eps) {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
        }
        long m = g.getShape().get(g.getShape().dimension() - 2);
        long n = g.getShape().get(g.getShape().dimension() - 1);
        try (NDManager scope = NDManager.subManagerOf(g)) {
            scope.tempAttachAll(g);
            // Sinkhorn–Knopp on P = G ⊙ G in the scale domain: a = r², b = c². A half-step's new scale depends
            // only on the other side's, r = sqrt(n / (P c²)): a vector-matrix product, a clamp and a division.
            // The scales are row vectors: libtorch's batched (1 x k)·(k x l) beats (l x k)·(k x 1) (docs/benchmarks.md)
            NDArray floor = scope.create(eps * eps);
            NDArray rowTarget = scope.create((float) n);
            NDArray colTarget = scope.create((float) m);
            NDArray p = fp32(g).square(); // (…, m, n), the only matrix-sized buffer
            NDArray pT = p.swapAxes(-1, -2); // a view: matMul reads it transposed
            Shape lead = g.getShape().slice(0, g.getShape().dimension() - 2);
            NDArray a = null; // (…, 1, m)
            NDArray b = scope.ones(lead.addAll(new Shape(1, n))); // (…, 1, n)
            for (int i = 0; i < rounds; i++) {
                a = rowTarget.div(b.matMul(pT).maximum(floor)); // b·Pᵀ: |rows of G·diag(c)|²
                b = colTarget.div(a.matMul(p).maximum(floor)); // a·P: |columns of diag(r)·G|²
            }
            NDArray r = a.sqrt().swapAxes(-1, -2); // (…, m, 1)
            NDArray c = b.sqrt(); // (…, 1, n)
            return scope.ret(new NDList(r, c));
        }
    }

    /**
     * GradNorm of SWAN: every row standardized to mean 0 and population variance 1.
     *
     * <pre>
     * mu = row means of G; s = row population std (divide by n)
     * Gn = (G - mu) / max(s, eps)
     * </pre>
     */
    public static NDArray gradNorm(NDArray g, float eps) {
        try (NDManager scope = NDManager.subManagerOf(g)) {
            scope.tempAttachAll(g);
            NDArray floor = scope.create(eps);
            NDArray x = fp32(g);
            NDArray centered = x.sub(x.mean(new int[] {-1}, true));
            NDArray std = centered.square().mean(new int[] {-1}, true).sqrt(); // population std
            return scope.ret(centered.divi(std.maximum(floor)));
        }
    }

    /**
     * GradWhitening of SWAN by coupled Newton–Schulz iteration (factor 1/2), on the smaller side.
     *
     * <pre>
     * if m > n: work on G^T and transpose back
     * A = G G^T ; Y = A / ||A||_F ; Z = I
     * repeat k times:
     *     T = 3I - Z Y ; Y = 0.5 * Y T ; Z = 0.5 * T Z
     * D = Z G                                  # ≈ (G G^T)^(-1/2) G up to a scalar
     * D = D * sqrt(m n) / ||D||_F              # entries have RMS 1
     * </pre>
     *
     * With exact whitening {@code D = sqrt(max(m, n)) · U Vᵀ} for {@code G = U S Vᵀ}.
     *
     * @param g matrix {@code (m, n)} or stack {@code (B, m, n)}
     * @param steps k, at least 1
     */
    public static NDArray newtonSchulzWhiten(NDArray g, int steps) {
        return newtonSchulzWhiten(g, steps, DEFAULT_EPS);
    }

    /** {@link #newtonSchulzWhiten(NDArray, int)} with an explicit clamp of the two norms. */
    public static NDArray newtonSchulzWhiten(NDArray g, int steps, float eps) {
        return newtonSchulzWhiten(g, steps, eps, DataType.FLOAT32);
    }

    /**
     * {@link #newtonSchulzWhiten(NDArray, int, float)} with the Newton–Schulz products in {@code loopType}: bf16 on a
     * GPU halves their cost (docs/benchmarks.md measures what it does to the result). The Gram matrix, the norms and
     * D = Z·X stay fp32.
     */
    public static NDArray newtonSchulzWhiten(NDArray g, int steps, float eps, DataType loopType) {
        Checks.atLeastOne("steps", steps);
        try (NDManager scope = NDManager.subManagerOf(g)) {
            scope.tempAttachAll(g);
            NDArray x = smallerSideFirst(fp32(g));
            NDArray z = inverseSquareRoot(x.matMul(x.swapAxes(-1, -2)), steps, eps, loopType);
            return scope.ret(whitened(g.getShape(), z, x, eps));
        }
    }

    /** SWAN's transform: {@code newtonSchulzWhiten(gradNorm(G), k)}. */
    public static NDArray swan(NDArray g, int steps, float eps) {
        return swan(g, steps, eps, DataType.FLOAT32);
    }

    /** SWAN's transform with the Newton–Schulz products in {@code loopType}. */
    public static NDArray swan(NDArray g, int steps, float eps, DataType loopType) {
        try (NDManager scope = NDManager.subManagerOf(g)) {
            scope.tempAttachAll(g);
            return scope.ret(newtonSchulzWhiten(gradNorm(g, eps), steps, eps, loopType));
        }
    }

    private static long rows(Shape shape) {
        return shape.get(shape.dimension() - 2);
    }

    private static long columns(Shape shape) {
        return shape.get(shape.dimension() - 1);
    }

    /** (…, m, n) as (…, s, l) with s = min(m, n): the transposed view when m > n. */
    private static NDArray smallerSideFirst(NDArray x) {
        Shape shape = x.getShape();
        return rows(shape) > columns(shape) ? x.swapAxes(-1, -2) : x;
    }

    /**
     * Z ≈ (A/‖A‖_F)^(-1/2) of a Gram matrix or stack (…, s, s) by k coupled Newton–Schulz steps. Step 1 from Z = I
     * needs one product (Z·Y = Y, T·Z = T) and the last step's Y is never read: 3k − 3 products. Every step uses
     * T/2 = 1.5·I − (Z·Y)/2; halving is exact in binary floating point, so Y·(T/2) and (T/2)·Z are bit for bit the
     * textbook ½·(Y·T) and ½·(T·Z).
     */
    private static NDArray inverseSquareRoot(NDArray a, int steps, float eps, DataType loopType) {
        NDManager scope = a.getManager();
        NDArray oneAndHalfEye = scope.eye((int) columns(a.getShape())).muli(1.5f).toType(loopType, false);
        NDArray y = a.divi(frobenius(a).maximum(scope.create(eps))).toType(loopType, false);
        NDArray t = y.mul(-0.5f).addi(oneAndHalfEye);
        NDArray z = t;
        if (steps > 1) {
            y = y.matMul(t);
        }
        for (int i = 1; i < steps; i++) {
            t = z.matMul(y).muli(-0.5f).addi(oneAndHalfEye);
            if (i + 1 < steps) {
                y = y.matMul(t);
            }
            z = t.matMul(z);
        }
        return fp32(z);
    }

    /** D = Z·X rescaled to RMS 1 ({@code ‖D‖_F = √(m n)}), back in the gradient's orientation {@code shape}. */
    private static NDArray whitened(Shape shape, NDArray z, NDArray x, float eps) {
        NDArray d = z.matMul(x); // (…, s, l)
        long m = rows(shape);
        long n = columns(shape);
        NDArray sqrtMn = d.getManager().create((float) Math.sqrt((double) m * n));
        d.muli(sqrtMn.div(frobenius(d).maximum(d.getManager().create(eps)))); // (…, 1, 1)
        return m > n ? d.swapAxes(-1, -2) : d;
    }

    /** SWAN's transform with the papers' defaults (k = 10, eps = 1e-8). */
    public static NDArray swan(NDArray g) {
        return swan(g, DEFAULT_NEWTON_SCHULZ_STEPS, DEFAULT_EPS);
    }

    /** GradNorm with the default eps. */
    public static NDArray gradNorm(NDArray g) {
        return gradNorm(g, DEFAULT_EPS);
    }

    /** SR-Sinkhorn with the papers' defaults (L = 5, eps = 1e-8). */
    public static NDArray sinkhornNormalize(NDArray g) {
        return sinkhornNormalize(g, DEFAULT_SINKHORN_ROUNDS, DEFAULT_EPS);
    }

    /** Frobenius norm of each matrix of the stack, shape {@code (…, 1, 1)}: one reduction, no squared copy. */
    private static NDArray frobenius(NDArray x) {
        return x.norm(new int[] {-2, -1}, true);
    }

    private static NDArray fp32(NDArray x) {
        return x.toType(DataType.FLOAT32, false); // no copy when already fp32
    }
}

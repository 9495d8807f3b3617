package dev.normlab.optim;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/** Independent reference implementations in double precision, straight from OPTIMIZERS.md. */
final class Oracles {

    private Oracles() {}

    /** SR-Sinkhorn, direct alternating form: row step then column step, L times. */
    static double[][] sinkhornDirect(double[][] g, int rounds, double eps) {
        int m = g.length;
        int n = g[0].length;
        double[][] x = new double[m][];
        for (int i = 0; i < m; i++) {
            x[i] = g[i].clone();
        }
        for (int l = 0; l < rounds; l++) {
            for (int i = 0; i < m; i++) {
                double f = Math.sqrt(n) / Math.max(Mat.rowNorm(x, i), eps);
                for (int j = 0; j < n; j++) {
                    x[i][j] *= f;
                }
            }
            for (int j = 0; j < n; j++) {
                double f = Math.sqrt(m) / Math.max(Mat.colNorm(x, j), eps);
                for (int i = 0; i < m; i++) {
                    x[i][j] *= f;
                }
            }
        }
        return x;
    }

    /** Classic Sinkhorn–Knopp on P = G ⊙ G (row sums n, column sums m), then sqrt with G's signs. */
    static double[][] sinkhornKnoppOnSquares(double[][] g, int rounds) {
        int m = g.length;
        int n = g[0].length;
        double[][] p = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                p[i][j] = g[i][j] * g[i][j];
            }
        }
        for (int l = 0; l < rounds; l++) {
            for (int i = 0; i < m; i++) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += p[i][j];
                }
                for (int j = 0; j < n; j++) {
                    p[i][j] *= n / s;
                }
            }
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int i = 0; i < m; i++) {
                    s += p[i][j];
                }
                for (int i = 0; i < m; i++) {
                    p[i][j] *= m / s;
                }
            }
        }
        double[][] x = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                x[i][j] = Math.signum(g[i][j]) * Math.sqrt(p[i][j]);
            }
        }
        return x;
    }

    /** GradNorm: each row minus its mean, divided by its population std. */
    static double[][] gradNorm(double[][] g) {
        int n = g[0].length;
        double[][] out = new double[g.length][n];
        for (int i = 0; i < g.length; i++) {
            double mean = 0;
            for (double v : g[i]) {
                mean += v;
            }
            mean /= n;
            double var = 0;
            for (double v : g[i]) {
                var += (v - mean) * (v - mean);
            }
            double std = Math.sqrt(var / n);
            for (int j = 0; j < n; j++) {
                out[i][j] = (g[i][j] - mean) / std;
            }
        }
        return out;
    }

    /** Exact whitening: sqrt(max(m, n)) · U Vᵀ from the thin SVD (commons-math3). */
    static double[][] exactWhiten(double[][] g) {
        RealMatrix a = new Array2DRowRealMatrix(g);
        SingularValueDecomposition svd = new SingularValueDecomposition(a);
        RealMatrix uvt = svd.getU().multiply(svd.getVT());
        return uvt.scalarMultiply(Math.sqrt(Math.max(g.length, g[0].length))).getData();
    }
}

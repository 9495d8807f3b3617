package dev.normlab.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/** Plain-Java double matrices for test oracles: nothing here uses the code under test. */
final class Mat {

    private Mat() {}

    static double[][] gaussian(Random rnd, int m, int n) {
        double[][] a = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = rnd.nextGaussian();
            }
        }
        return a;
    }

    /** Student-t with 3 degrees of freedom (heavy tails), rows and columns with uneven scales. */
    static double[][] heavyTailed(Random rnd, int m, int n) {
        double[][] a = new double[m][n];
        for (int i = 0; i < m; i++) {
            double rowScale = Math.exp(rnd.nextGaussian());
            for (int j = 0; j < n; j++) {
                double chi2 = 0;
                for (int k = 0; k < 3; k++) {
                    double z = rnd.nextGaussian();
                    chi2 += z * z;
                }
                a[i][j] = rowScale * rnd.nextGaussian() / Math.sqrt(chi2 / 3);
            }
        }
        return a;
    }

    static NDArray toNd(NDManager manager, double[][] a) {
        int m = a.length;
        int n = a[0].length;
        float[] flat = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                flat[i * n + j] = (float) a[i][j];
            }
        }
        return manager.create(flat, new Shape(m, n));
    }

    static double[][] fromNd(NDArray x) {
        int m = (int) x.getShape().get(0);
        int n = (int) x.getShape().get(1);
        float[] flat = x.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        double[][] a = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = flat[i * n + j];
            }
        }
        return a;
    }

    /** Rounds every entry through fp32, so an oracle sees exactly the input the code sees. */
    static double[][] asFloat(double[][] a) {
        double[][] b = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            b[i] = new double[a[i].length];
            for (int j = 0; j < a[i].length; j++) {
                b[i][j] = (float) a[i][j];
            }
        }
        return b;
    }

    static double[][] transpose(double[][] a) {
        double[][] t = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }

    static double[][] multiply(double[][] a, double[][] b) {
        int m = a.length;
        int k = b.length;
        int n = b[0].length;
        double[][] c = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                double aip = a[i][p];
                for (int j = 0; j < n; j++) {
                    c[i][j] += aip * b[p][j];
                }
            }
        }
        return c;
    }

    static double maxAbsDiff(double[][] a, double[][] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                max = Math.max(max, Math.abs(a[i][j] - b[i][j]));
            }
        }
        return max;
    }

    static double maxAbs(double[][] a) {
        double max = 0;
        for (double[] row : a) {
            for (double v : row) {
                max = Math.max(max, Math.abs(v));
            }
        }
        return max;
    }

    static double rowNorm(double[][] a, int i) {
        double s = 0;
        for (double v : a[i]) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    static double colNorm(double[][] a, int j) {
        double s = 0;
        for (double[] row : a) {
            s += row[j] * row[j];
        }
        return Math.sqrt(s);
    }

    static double frobenius(double[][] a) {
        double s = 0;
        for (double[] row : a) {
            for (double v : row) {
                s += v * v;
            }
        }
        return Math.sqrt(s);
    }
}

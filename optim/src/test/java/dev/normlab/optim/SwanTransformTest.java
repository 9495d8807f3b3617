package dev.normlab.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SwanTransformTest {

    private static NDManager manager;
    private final Random rnd = new Random(7);

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void gradNormRowsHaveMeanZeroAndPopulationStdOne() {
        try (NDManager scope = manager.newSubManager()) {
            double[][] gn = Mat.fromNd(Transforms.gradNorm(Mat.toNd(scope, Mat.heavyTailed(rnd, 12, 40))));
            for (double[] row : gn) {
                double mean = Arrays.stream(row).average().orElseThrow();
                double var = Arrays.stream(row).map(v -> (v - mean) * (v - mean)).sum() / row.length;
                assertThat(mean).isCloseTo(0, within(1e-5));
                assertThat(Math.sqrt(var)).isCloseTo(1, within(1e-5));
            }
        }
    }

    @ParameterizedTest(name = "{0} x {1}")
    @CsvSource({"16, 64", "64, 16", "24, 48", "48, 24"})
    void newtonSchulzWhiteningMatchesSqrtMaxDimTimesUVtFromAnIndependentSvd(int m, int n) {
        double[][] g = Mat.asFloat(Mat.gaussian(rnd, m, n));
        double[][] expected = Oracles.exactWhiten(g);
        try (NDManager scope = manager.newSubManager()) {
            double[][] d = Mat.fromNd(Transforms.newtonSchulzWhiten(Mat.toNd(scope, g), 10));
            assertThat(Mat.maxAbsDiff(d, expected)).isLessThan(1e-3);
        }
    }

    // wide only: for m > n, GradNorm's centered rows make Gn rank-deficient (Gn·1 = 0), so U Vᵀ
    // is not unique there and no SVD oracle applies
    @ParameterizedTest(name = "{0} x {1}")
    @CsvSource({"16, 64", "24, 48"})
    void swanMatchesSqrtMaxDimTimesUVtOfGradNormFromAnIndependentSvd(int m, int n) {
        double[][] g = Mat.asFloat(Mat.gaussian(rnd, m, n));
        double[][] expected = Oracles.exactWhiten(Oracles.gradNorm(g));
        try (NDManager scope = manager.newSubManager()) {
            double[][] d = Mat.fromNd(Transforms.swan(Mat.toNd(scope, g)));
            assertThat(Mat.maxAbsDiff(d, expected)).isLessThan(1e-3);
        }
    }

    @Test
    void whitenedOutputTimesItsTransposeIsNTimesIdentityForWideMatrices() {
        int m = 16;
        int n = 64;
        try (NDManager scope = manager.newSubManager()) {
            double[][] d = Mat.fromNd(Transforms.newtonSchulzWhiten(Mat.toNd(scope, Mat.gaussian(rnd, m, n)), 10));
            double[][] ddt = Mat.multiply(d, Mat.transpose(d));
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < m; j++) {
                    assertThat(ddt[i][j]).isCloseTo(i == j ? n : 0, within(1e-2 * n));
                }
            }
            assertThat(Mat.frobenius(d)).isCloseTo(Math.sqrt((double) m * n), within(1e-3));
        }
    }

    @Test
    void whiteningTheTransposeGivesTheTransposeOfTheWhitening() {
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = Mat.toNd(scope, Mat.gaussian(rnd, 20, 50));
            NDArray direct = Transforms.newtonSchulzWhiten(x, 10);
            NDArray ofTranspose = Transforms.newtonSchulzWhiten(x.transpose(), 10);
            assertThat(ofTranspose.transpose().allClose(direct, 1e-5, 1e-5, false)).isTrue();
        }
    }

    @Test
    void constantRowsAndAnAllConstantMatrixGiveFiniteOutput() {
        double[][] g = Mat.gaussian(rnd, 8, 32);
        Arrays.fill(g[2], 3.0);
        Arrays.fill(g[5], 0.0);
        double[][] constant = new double[4][10];
        for (double[] row : constant) {
            Arrays.fill(row, -1.5);
        }
        try (NDManager scope = manager.newSubManager()) {
            double[][] d = Mat.fromNd(Transforms.swan(Mat.toNd(scope, g)));
            assertThat(Arrays.stream(d).flatMapToDouble(Arrays::stream)).allMatch(Double::isFinite);
            assertThat(d[2]).containsOnly(0.0);
            double[][] zero = Mat.fromNd(Transforms.swan(Mat.toNd(scope, constant)));
            assertThat(Arrays.stream(zero).flatMapToDouble(Arrays::stream)).containsOnly(0.0);
        }
    }

    @Test
    void aStackIsWhitenedExactlyLikeEachMatrixAlone() {
        try (NDManager scope = manager.newSubManager()) {
            NDArray a = Mat.toNd(scope, Mat.gaussian(rnd, 12, 30));
            NDArray b = Mat.toNd(scope, Mat.gaussian(rnd, 12, 30));
            NDArray stacked = Transforms.swan(NDArrays.stack(new NDList(a, b)));
            assertThat(stacked.get(0).allClose(Transforms.swan(a), 1e-5, 1e-5, false)).isTrue();
            assertThat(stacked.get(1).allClose(Transforms.swan(b), 1e-5, 1e-5, false)).isTrue();
            NDArray tall = Transforms.swan(NDArrays.stack(new NDList(a.transpose(), b.transpose())));
            assertThat(tall.get(1).allClose(Transforms.swan(b.transpose()), 1e-5, 1e-5, false)).isTrue();
        }
    }

    /**
     * The transform skips products whose result it knows (Z₀ = I; the last Y is never read) and folds the ½ of
     * every step into T: still the textbook coupled iteration (3 products a step, in double precision here) to
     * float32 rounding, for one step, two steps and the default ten, wide and tall.
     */
    @ParameterizedTest(name = "{0} x {1}, k = {2}")
    @CsvSource({"16, 40, 1", "16, 40, 2", "16, 40, 10", "40, 16, 10", "32, 32, 7"})
    void newtonSchulzWhiteningIsTheTextbookCoupledIterationToFloat32Rounding(int m, int n, int steps) {
        double[][] g = Mat.asFloat(Mat.gaussian(rnd, m, n));
        double[][] expected = textbookWhiten(g, steps);
        try (NDManager scope = manager.newSubManager()) {
            double[][] d = Mat.fromNd(Transforms.newtonSchulzWhiten(Mat.toNd(scope, g), steps));
            assertThat(Mat.maxAbsDiff(d, expected) / Mat.maxAbs(expected)).isLessThan(2e-5);
        }
    }

    /**
     * The Newton–Schulz products in another dtype (bf16 on a GPU; DJL cannot run bf16 on a CPU, so fp64 here) go
     * through the same casts: the result is fp32 and the fp32 transform's to its rounding.
     */
    @Test
    void theNewtonSchulzLoopInAnotherDtypeReturnsFp32AndTheSameWhitening() {
        double[][] g = Mat.asFloat(Mat.gaussian(rnd, 12, 30));
        try (NDManager scope = manager.newSubManager()) {
            NDArray wide = Transforms.swan(Mat.toNd(scope, g), 10, Transforms.DEFAULT_EPS, DataType.FLOAT64);
            assertThat(wide.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(Mat.maxAbsDiff(Mat.fromNd(wide), Mat.fromNd(Transforms.swan(Mat.toNd(scope, g))))).isLessThan(1e-4);
        }
    }

    /** OPTIMIZERS.md's pseudo-code, literally: Z = I; T = 3I − ZY; Y = ½·YT; Z = ½·TZ; D = ZX rescaled to RMS 1. */
    private static double[][] textbookWhiten(double[][] g, int steps) {
        boolean tall = g.length > g[0].length;
        double[][] x = tall ? Mat.transpose(g) : g;
        int s = x.length;
        double[][] a = Mat.multiply(x, Mat.transpose(x));
        double[][] y = scaled(a, 1 / Mat.frobenius(a));
        double[][] z = scaled(identity(s), 1);
        for (int k = 0; k < steps; k++) {
            double[][] t = scaled(Mat.multiply(z, y), -1);
            for (int i = 0; i < s; i++) {
                t[i][i] += 3;
            }
            y = scaled(Mat.multiply(y, t), 0.5);
            z = scaled(Mat.multiply(t, z), 0.5);
        }
        double[][] d = Mat.multiply(z, x);
        d = scaled(d, Math.sqrt((double) g.length * g[0].length) / Mat.frobenius(d));
        return tall ? Mat.transpose(d) : d;
    }

    private static double[][] identity(int s) {
        double[][] eye = new double[s][s];
        for (int i = 0; i < s; i++) {
            eye[i][i] = 1;
        }
        return eye;
    }

    private static double[][] scaled(double[][] a, double factor) {
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = Arrays.stream(a[i]).map(v -> v * factor).toArray();
        }
        return out;
    }
}

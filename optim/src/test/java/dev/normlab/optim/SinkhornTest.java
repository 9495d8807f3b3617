package dev.normlab.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SinkhornTest {

    private static NDManager manager;
    private final Random rnd = new Random(42);

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private double[][] sinkhorn(double[][] g, int rounds) {
        try (NDManager scope = manager.newSubManager()) {
            return Mat.fromNd(Transforms.sinkhornNormalize(Mat.toNd(scope, g), rounds, 1e-8f));
        }
    }

    @ParameterizedTest(name = "{0} x {1}")
    @CsvSource({"24, 64", "64, 24", "32, 32", "1, 50"})
    void theFastFormEqualsTheDirectAlternatingForm(int m, int n) {
        double[][] g = Mat.asFloat(Mat.heavyTailed(rnd, m, n));
        double[][] expected = Oracles.sinkhornDirect(g, 5, 1e-8);
        assertThat(Mat.maxAbsDiff(sinkhorn(g, 5), expected)).isLessThan(2e-6 * Math.max(1, Mat.maxAbs(expected)));
    }

    @ParameterizedTest(name = "{0} x {1}")
    @CsvSource({"24, 64", "64, 24", "32, 32"})
    void squaredOutputEqualsSinkhornKnoppOnTheSquaredGradientWithSignsRestored(int m, int n) {
        double[][] g = Mat.asFloat(Mat.heavyTailed(rnd, m, n));
        double[][] expected = Oracles.sinkhornKnoppOnSquares(g, 5);
        assertThat(Mat.maxAbsDiff(sinkhorn(g, 5), expected)).isLessThan(2e-6 * Mat.maxAbs(expected));
    }

    @ParameterizedTest(name = "L = {0}")
    @ValueSource(ints = {1, 2, 3, 5, 8})
    void everyColumnHasNormSqrtMAndTheFrobeniusNormIsSqrtMnAfterAnyRounds(int rounds) {
        int m = 40;
        int n = 70;
        double[][] x = sinkhorn(Mat.heavyTailed(rnd, m, n), rounds);
        for (int j = 0; j < n; j++) {
            assertThat(Mat.colNorm(x, j)).isCloseTo(Math.sqrt(m), within(1e-5 * Math.sqrt(m)));
        }
        assertThat(Mat.frobenius(x)).isCloseTo(Math.sqrt((double) m * n), within(1e-5 * Math.sqrt((double) m * n)));
    }

    @Test
    void rowNormsAreWithinHalfAPercentOfSqrtNAtFiveRoundsOnHeavyTailedInput() {
        // OPTIMIZERS.md: ~0.25% at L = 5; we assert 0.5% over several heavy-tailed draws
        for (int[] shape : new int[][] {{64, 256}, {256, 64}, {128, 128}}) {
            double[][] x = sinkhorn(Mat.heavyTailed(rnd, shape[0], shape[1]), 5);
            double target = Math.sqrt(shape[1]);
            for (int i = 0; i < shape[0]; i++) {
                assertThat(Mat.rowNorm(x, i) / target).isCloseTo(1.0, within(5e-3));
            }
        }
    }

    @Test
    void theOutputIsInvariantToScalarAndPositiveRowScalingAndKeepsSigns() {
        double[][] g = Mat.heavyTailed(rnd, 20, 30);
        double[][] scaled = new double[20][30];
        for (int i = 0; i < 20; i++) {
            double rowScale = 0.01 + 10 * rnd.nextDouble();
            for (int j = 0; j < 30; j++) {
                scaled[i][j] = 7.5 * rowScale * g[i][j];
            }
        }
        double[][] x = sinkhorn(g, 5);
        assertThat(Mat.maxAbsDiff(sinkhorn(scaled, 5), x)).isLessThan(1e-5 * Mat.maxAbs(x));
        for (int i = 0; i < 20; i++) {
            for (int j = 0; j < 30; j++) {
                assertThat(Math.signum(x[i][j])).isEqualTo(Math.signum(g[i][j]));
            }
        }
    }

    @Test
    void aZeroRowAndAZeroColumnStayZeroWithoutNaN() {
        double[][] g = Mat.gaussian(rnd, 10, 12);
        java.util.Arrays.fill(g[3], 0);
        for (double[] row : g) {
            row[5] = 0;
        }
        double[][] x = sinkhorn(g, 5);
        for (int i = 0; i < 10; i++) {
            for (int j = 0; j < 12; j++) {
                assertThat(x[i][j]).isFinite();
                if (i == 3 || j == 5) {
                    assertThat(x[i][j]).isZero();
                }
            }
        }
    }

    @Test
    void aStackIsNormalizedExactlyLikeEachMatrixAlone() {
        try (NDManager scope = manager.newSubManager()) {
            NDArray a = Mat.toNd(scope, Mat.heavyTailed(rnd, 16, 24));
            NDArray b = Mat.toNd(scope, Mat.heavyTailed(rnd, 16, 24));
            NDArray stacked = Transforms.sinkhornNormalize(NDArrays.stack(new ai.djl.ndarray.NDList(a, b)));
            assertThat(stacked.get(0).allClose(Transforms.sinkhornNormalize(a), 1e-6, 1e-6, false)).isTrue();
            assertThat(stacked.get(1).allClose(Transforms.sinkhornNormalize(b), 1e-6, 1e-6, false)).isTrue();
        }
    }

    @Test
    void halfPrecisionInputIsNormalizedInFp32() {
        // fp16 stands in for bf16: creating any BFLOAT16 array aborts the JVM in DJL 0.35.1 on CPU
        try (NDManager scope = manager.newSubManager()) {
            NDArray g = Mat.toNd(scope, Mat.gaussian(rnd, 8, 16));
            NDArray half = g.toType(DataType.FLOAT16, false);
            NDArray x = Transforms.sinkhornNormalize(half);
            assertThat(x.getDataType()).isEqualTo(DataType.FLOAT32);
            NDArray expected = Transforms.sinkhornNormalize(half.toType(DataType.FLOAT32, false));
            assertThat(x.allClose(expected, 1e-6, 1e-6, false)).isTrue();
        }
    }
}

using Downhill.Analysis;

namespace Downhill.Tests.Analysis;

public sealed class LeastSquaresStatisticsTests
{
    [Fact]
    public void Covariance_is_sigma_squared_times_the_inverse_normal_matrix()
    {
        // J = [[1,0],[1,1],[1,2],[1,3]]: JᵀJ = [[4,6],[6,14]], inverse = [[14,-6],[-6,4]] / 20.
        double[] j = [1, 0, 1, 1, 1, 2, 1, 3];
        LeastSquaresStatistics stats = LeastSquaresStatistics.FromJacobian(j, 4, 2, residualSumOfSquares: 0.5);
        double sigma2 = 0.5 / 2;
        double[] expected = [14 / 20.0 * sigma2, -6 / 20.0 * sigma2, -6 / 20.0 * sigma2, 4 / 20.0 * sigma2];
        for (int k = 0; k < 4; k++) Assert.Equal(expected[k], stats.Covariance[k], 1e-15);
        Assert.Equal(Math.Sqrt(14 / 20.0 * sigma2), stats.StandardErrors[0], 1e-15);
        Assert.Equal(-6 / Math.Sqrt(14 * 4.0), stats.Correlation[1], 1e-15);
        Assert.Equal(2, stats.Rank);
        // Eigenvalues of [[4,6],[6,14]] are 9 ± sqrt(61).
        Assert.Equal((9 + Math.Sqrt(61)) / (9 - Math.Sqrt(61)), stats.ConditionNumber, 1e-12);
    }

    [Fact]
    public void A_parameter_the_data_cannot_determine_gets_nan_and_infinite_condition()
    {
        // The second column duplicates the first.
        double[] j = [1, 1, 0, 2, 2, 1, 3, 3, 5, 1, 1, 2];
        LeastSquaresStatistics stats = LeastSquaresStatistics.FromJacobian(j, 4, 3, 1);
        Assert.Equal(2, stats.Rank);
        Assert.Equal(double.PositiveInfinity, stats.ConditionNumber);
        Assert.Equal(1, stats.StandardErrors.Count(double.IsNaN));
        Assert.False(double.IsNaN(stats.StandardErrors[2]));
    }

    [Fact]
    public void Without_spare_observations_there_is_no_sigma()
    {
        LeastSquaresStatistics stats = LeastSquaresStatistics.FromJacobian([1, 0, 0, 1], 2, 2, 0.5);
        Assert.Equal(0, stats.DegreesOfFreedom);
        Assert.True(double.IsNaN(stats.ResidualStandardDeviation));
        Assert.All(stats.StandardErrors, e => Assert.True(double.IsNaN(e)));
        Assert.Equal(0, stats.Correlation[1]);
    }

    [Fact]
    public void A_jacobian_of_the_wrong_length_is_a_shape_error()
    {
        var error = Assert.Throws<ShapeException>(() => LeastSquaresStatistics.FromJacobian(new double[5], 3, 2, 1));
        Assert.Equal("jacobian has 5 values but observations x parameters = 3 x 2 = 6: pass the n x p row-major Jacobian", error.Message);
    }
}

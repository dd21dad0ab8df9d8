namespace Downhill.Tests.Autodiff;

public class FiniteDifferencesTests
{
    /// <summary>The seeds' spreadsheet: f(x) = x², x = 0.5, nudge 0.01, the quotient divided by 0.01 itself.</summary>
    [Fact]
    public void A_fixed_step_gives_the_spreadsheet_quotients_to_the_bit()
    {
        double[] x = [0.5];
        var gradient = new double[1];
        FiniteDifferences.Gradient(x, () => x[0] * x[0], 0.25, FiniteDifference.Forward, FiniteDifferenceStep.Fixed(0.01), gradient);
        Assert.Equal((0.51 * 0.51 - 0.25) / 0.01, gradient[0]);
        FiniteDifferences.Gradient(x, () => x[0] * x[0], 0.25, FiniteDifference.Central, FiniteDifferenceStep.Fixed(0.01), gradient);
        Assert.Equal((0.51 * 0.51 - 0.49 * 0.49) / 0.02, gradient[0]);
        Assert.Equal([0.5], x);
    }

    /// <summary>
    /// f(x) = x near 1e8, where x + h rounds: dividing by the step actually taken gives the slope
    /// 1 exactly; dividing by the nominal h (about 1.49 here, 1 ulp of x is 1.49e-8) would not.
    /// </summary>
    [Theory]
    [InlineData(FiniteDifference.Forward)]
    [InlineData(FiniteDifference.Central)]
    public void A_relative_step_divides_by_the_step_actually_taken(FiniteDifference scheme)
    {
        double[] x = [1e8 + 0.3];
        var step = FiniteDifferenceStep.Balanced(scheme);
        Assert.NotEqual(x[0] + step.Size * x[0] - x[0], step.Size * x[0]); // the nudge does round
        var gradient = new double[1];
        FiniteDifferences.Gradient(x, () => x[0], x[0], scheme, step, gradient);
        Assert.Equal(1.0, gradient[0]);
    }

    [Fact]
    public void A_relative_step_at_zero_is_the_scale_itself()
    {
        double[] x = [0.0, 2.0];
        var seen = new List<double>();
        var jacobian = new double[2];
        FiniteDifferences.Jacobian(x, values => { seen.Add(x[0]); seen.Add(x[1]); values[0] = 0; }, [0.0], FiniteDifference.Central,
            FiniteDifferenceStep.Relative(1e-3), jacobian, new double[1], new double[1]);
        Assert.Equal([1e-3, 2.0, -1e-3, 2.0, 0.0, 2.0 + 2e-3, 0.0, 2.0 - 2e-3], seen);
        Assert.Equal([0.0, 2.0], x);
    }

    /// <summary>f(a, b) = (a b, a + b, a²) at (3, 5): the Jacobian row by row, against the hand derivatives.</summary>
    [Fact]
    public void The_jacobian_is_row_major_over_the_values_of_f()
    {
        double[] x = [3, 5];
        var jacobian = new double[6];
        FiniteDifferences.Jacobian(x, values => { values[0] = x[0] * x[1]; values[1] = x[0] + x[1]; values[2] = x[0] * x[0]; },
            [15.0, 8, 9], FiniteDifference.Central, FiniteDifferenceStep.Fixed(0.5), jacobian, new double[3], new double[3]);
        Assert.Equal([5.0, 3, 1, 1, 6, 0], jacobian); // exact: central differences of quadratics are exact, and 0.5 is a power of 2
    }

    [Fact]
    public void The_point_is_restored_when_f_throws()
    {
        double[] x = [1.5];
        Assert.Throws<InvalidOperationException>(() => FiniteDifferences.Gradient(x, () => throw new InvalidOperationException(), 0.0,
            FiniteDifference.Forward, FiniteDifferenceStep.Fixed(0.1), new double[1]));
        Assert.Equal(1.5, x[0]);
    }

    [Fact]
    public void Steps_are_checked_where_they_are_made()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => FiniteDifferenceStep.Fixed(0));
        Assert.StartsWith("h = 0 is invalid: expected a finite step above 0, such as 0.01 or 1e-6.", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => FiniteDifferenceStep.Relative(2));
        Assert.StartsWith("scale = 2 is invalid: expected a fraction of |x| between 0 and 1, such as 1e-8.", e.Message);
    }
}

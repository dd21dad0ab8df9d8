using Downhill.Formulas;
using Downhill.Models;
using Downhill.Nn;
using TP = System.Numerics.Tensors.TensorPrimitives;
using Downhill.Data;

namespace Downhill.Training;

/// <summary>
/// Forward pass, loss and gradient of a <see cref="FormulaModel"/> on one batch through its
/// compiled <see cref="RowsGradient"/>, in buffers made once and reused, leaving each
/// parameter's gradient in its Grad as <c>loss.Backward()</c> would. The loss is computed with
/// the same ops in the same order as <see cref="Losses.Compute"/>; the tape stays the reference
/// (the tests compare both).
/// </summary>
/// <remarks>
/// Why it exists: on the tape a step of y = m*x + b builds about ten tensors and closures and
/// sorts the graph, which costs far more than the formula's arithmetic on a few rows. Here a
/// step is loops over reused buffers (gain in bench/README.md, "Measured gains").
/// </remarks>
internal sealed class FormulaStep
{
    private readonly NDArray<double>[] parameters;
    private readonly int[] columnOfInput; // for each compiled column, its index among the model's inputs
    private readonly int inputs;
    private readonly Loss loss;
    private readonly RowsGradient compiled;
    private readonly double[] parameterValues;
    private readonly double[] gradient;
    private readonly NDArray<double>[] grads;
    private int capacity = -1;
    private double[][] columns;
    private double[] targets = [], outputs = [], work = [], upstream = [];

    private FormulaStep(FormulaModel model, Loss loss, RowsGradient compiled)
    {
        parameters = [.. model.Parameters];
        inputs = model.Inputs;
        columnOfInput = [.. compiled.Columns.Select(name => Array.IndexOf(model.InputNames, name))];
        this.loss = loss;
        this.compiled = compiled;
        parameterValues = new double[parameters.Length];
        gradient = new double[parameters.Length];
        grads = [.. parameters.Select(_ => NDArray<double>.Scalar(0))];
        columns = new double[columnOfInput.Length][];
    }

    /// <summary>
    /// The fused step for <paramref name="model"/>, or null where only the tape applies
    /// (classification losses, nothing to fit). Frozen parameters get no gradient, as on the tape.
    /// </summary>
    public static FormulaStep? For(FormulaModel model, Loss loss) => For(model, loss, out _);

    /// <inheritdoc cref="For(FormulaModel, Loss)"/>
    /// <param name="whyNot">When null is returned: why the tape has to do it, for the fit's result.</param>
    public static FormulaStep? For(FormulaModel model, Loss loss, out string? whyNot)
    {
        whyNot = null;
        if (loss is not (Nn.Loss.Mse or Nn.Loss.Rmse or Nn.Loss.Mae or Nn.Loss.Huber))
            whyNot = $"loss {loss.Name()}: compiled formulas have rules for mse, rmse, mae and huber";
        else if (model.Parameters.Any(p => p.Size != 1))
            whyNot = "a parameter is not a single number";
        else if (!Enumerable.Range(0, model.Parameters.Count).Any(i => model.Parameters[i].RequiresGrad && model.CompiledGradient.Reaches(i)))
            whyNot = "no trainable parameter reaches the output"; // the tape's Backward explains that to the user
        return whyNot is null ? new FormulaStep(model, loss, model.CompiledGradient) : null;
    }

    /// <summary>
    /// Loss of rows <c>order[start .. start+count)</c> of <paramref name="data"/> (rows start..
    /// when <paramref name="order"/> is null) and, when it is finite, the gradients added into
    /// every parameter's Grad. Returns the loss.
    /// </summary>
    public double Run(TrainingData<double> data, int[]? order, int start, int count)
    {
        Reserve(count);
        Gather(data, order, start, count);
        for (int i = 0; i < parameters.Length; i++) parameterValues[i] = parameters[i].Buffer[0];
        compiled.Values(parameterValues, columns, count, outputs);
        double value = LossAndUpstream(count);
        if (!double.IsFinite(value)) return value;
        compiled.Gradient(parameterValues, columns, count, upstream, gradient);
        for (int i = 0; i < parameters.Length; i++)
            if (compiled.Reaches(i) && parameters[i].RequiresGrad) Deliver(i);
        return value;
    }

    /// <summary>
    /// The batch's loss, and in <see cref="upstream"/> its derivative by each row's output,
    /// through the loss rules that <see cref="Losses.Compute"/> records on the tape
    /// (Tensors/NDArray.Loss.cs): element by element the same bits, and the mean's sum is TP.Sum,
    /// as the tape's. Loops rather than a TensorPrimitives call per op: on 20 rows each call's
    /// dispatch costs more than its work.
    /// </summary>
    private double LossAndUpstream(int n)
    {
        double mean = 1.0 / n; // Mean's backward: the seed 1 over n
        switch (loss)
        {
            case Loss.Mse: return MeanLoss<MseLoss<double>>(n, mean);
            case Loss.Mae: return MeanLoss<MaeLoss<double>>(n, mean);
            case Loss.Huber: return MeanLoss<HuberLoss<double>>(n, mean);
            default:
            {
                // Rmse: the mean square, then Sqrt's backward and Mean's as the upstream of each d.
                var y = outputs.AsSpan(0, n);
                var t = targets.AsSpan(0, n);
                var w = work.AsSpan(0, n);
                var u = upstream.AsSpan(0, n);
                for (int i = 0; i < n; i++)
                {
                    u[i] = y[i] - t[i];
                    w[i] = MseLoss<double>.Term(u[i]);
                }
                double meanSquare = TP.Sum(w) / n;
                double value = Math.Sqrt(meanSquare);
                double g = SqrtOp<double>.Backward(meanSquare, value, 1.0) / n;
                for (int i = 0; i < n; i++) u[i] = MseLoss<double>.Backward(u[i], g);
                return value;
            }
        }
    }

    /// <summary>The mean of <typeparamref name="TLoss"/>'s terms, and its derivatives with upstream <paramref name="mean"/> in <see cref="upstream"/>.</summary>
    private double MeanLoss<TLoss>(int n, double mean) where TLoss : IPointLoss<double>
    {
        var y = outputs.AsSpan(0, n);
        var t = targets.AsSpan(0, n);
        var w = work.AsSpan(0, n);
        var u = upstream.AsSpan(0, n);
        for (int i = 0; i < n; i++)
        {
            double d = y[i] - t[i];
            w[i] = TLoss.Term(d);
            u[i] = TLoss.Backward(d, mean);
        }
        return TP.Sum(w) / n;
    }

    /// <summary>Adds into the parameter's gradient as AccumulateGrad does; after ZeroGrad it hands over a reused scalar.</summary>
    private void Deliver(int i)
    {
        var p = parameters[i];
        if (p.Grad is null || ReferenceEquals(p.Grad, grads[i]))
        {
            grads[i].Buffer[0] = gradient[i];
            p.Grad = grads[i];
        }
        else p.Grad.Buffer[0] += gradient[i];
    }

    private void Gather(TrainingData<double> data, int[]? order, int start, int count)
    {
        var x = data.Features.Buffer;
        for (int j = 0; j < columns.Length; j++)
        {
            var column = columns[j];
            int offset = columnOfInput[j];
            for (int i = 0; i < count; i++) column[i] = x[(order?[start + i] ?? start + i) * inputs + offset];
        }
        var t = data.Targets!.Buffer;
        for (int i = 0; i < count; i++) targets[i] = t[order?[start + i] ?? start + i];
    }

    private void Reserve(int rows)
    {
        if (rows <= capacity) return;
        capacity = rows;
        for (int j = 0; j < columns.Length; j++) columns[j] = new double[rows];
        targets = new double[rows];
        outputs = new double[rows];
        work = new double[rows];
        upstream = new double[rows];
    }
}

using System.Numerics;
using Downhill.Models;
using Downhill.Nn;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Downhill.Training;

/// <summary>
/// Forward pass, loss and backward pass of a <see cref="Network{T}"/> on one mini-batch in
/// buffers made once and reused, leaving each parameter's gradient in its Grad as
/// <c>loss.Backward()</c> would. The Trainer uses it for networks with cross-entropy or mse
/// loss; the tape remains the reference (the tests compare both after several steps).
/// </summary>
/// <remarks>
/// Why it exists: the tape allocates every activation, gradient and closure per batch, and for
/// the 784x128 layer that is about 1 MB per batch of 32. On the shared test machine fresh
/// large arrays cost page faults (system time) and the backward pass took 2.8 ms of CPU per
/// batch against 0.1 ms of matrix products; with reused buffers W2 at batch 32 went from about
/// 10k to over 100k samples per CPU second. Batches are gathered straight from the training
/// set's rows into the input buffer instead of copying them out with IndexRows first.
/// </remarks>
internal sealed class NetworkStep<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly IReadOnlyList<Dense<T>> layers;
    private readonly Loss loss;
    private readonly Tensor<T>[] weightGrads, biasGrads;
    private int capacity;
    private T[] input = [];
    private T[] targets = [];
    private T[][] outputs = [];
    private T[][] deltas = [];
    private T[] upstream = [];

    private NetworkStep(Network<T> network, Loss loss)
    {
        layers = network.Layers;
        this.loss = loss;
        weightGrads = layers.Select(l => Tensor<T>.Zeros(l.Inputs, l.Outputs)).ToArray();
        biasGrads = layers.Select(l => Tensor<T>.Zeros(l.Outputs)).ToArray();
    }

    /// <summary>The fused step for <paramref name="model"/>, or null where only the tape applies (other models or losses, frozen parameters).</summary>
    public static NetworkStep<T>? For(Model<T> model, Loss loss)
    {
        if (model is not Network<T> network || loss is not (Loss.CrossEntropy or Loss.Mse)) return null;
        foreach (var p in network.Parameters)
            if (!p.RequiresGrad) return null;
        return new NetworkStep<T>(network, loss);
    }

    /// <summary>
    /// Loss of rows <c>order[start .. start+count)</c> of <paramref name="data"/> (rows start..
    /// when <paramref name="order"/> is null) and, when it is finite, the gradients added into
    /// every parameter's Grad. Returns the loss.
    /// </summary>
    public T Run(TrainingData<T> data, int[]? order, int start, int count)
    {
        Reserve(count);
        ReadOnlySpan<T> batch = Rows(data.Features.Data, layers[0].Inputs, order, start, count, input);
        ReadOnlySpan<T> batchTargets = data.Targets is { } t ? Rows(t.Data, t.Shape[1], order, start, count, targets) : default;
        ReadOnlySpan<T> x = batch;
        for (int l = 0; l < layers.Count; l++)
        {
            var layer = layers[l];
            var y = outputs[l].AsSpan(0, count * layer.Outputs);
            Forward(layer, x, y, count);
            x = y;
        }
        var top = deltas[^1].AsSpan(0, count * layers[^1].Outputs);
        T value = loss == Loss.CrossEntropy
            ? CrossEntropy(x, data.Labels!, order, start, count, top)
            : MeanSquaredError(x, batchTargets, top);
        if (!T.IsFinite(value)) return value;

        for (int l = layers.Count - 1; l >= 0; l--)
        {
            var layer = layers[l];
            var dz = deltas[l].AsSpan(0, count * layer.Outputs);
            if (l < layers.Count - 1)
                Dense<T>.ActivationGradient(layer.Activation, upstream.AsSpan(0, dz.Length), outputs[l].AsSpan(0, dz.Length), dz);
            ReadOnlySpan<T> xl = l == 0 ? batch : outputs[l - 1].AsSpan(0, count * layer.Inputs);
            WeightGradient(xl, dz, weightGrads[l].Data, count, layer.Inputs, layer.Outputs);
            ColumnSums(dz, count, layer.Outputs, biasGrads[l].Data);
            if (l > 0) InputGradient(dz, layer.Weight.Data, upstream.AsSpan(0, count * layer.Inputs), count, layer.Inputs, layer.Outputs);
            Deliver(layer.Weight, weightGrads[l]);
            Deliver(layer.Bias, biasGrads[l]);
        }
        return value;
    }

    /// <summary>y = act(x W + b) for <paramref name="rows"/> rows, as <see cref="Dense{T}.Forward"/> computes it.</summary>
    private static void Forward(Dense<T> layer, ReadOnlySpan<T> x, Span<T> y, int rows)
    {
        int outs = layer.Outputs;
        var w = layer.Weight.Data;
        ReadOnlySpan<T> bias = layer.Bias.Data;
        if (outs >= SmallRow)
            for (int i = 0; i < rows; i++) bias.CopyTo(y.Slice(i * outs, outs));
        else
            for (int i = 0, at = 0; i < rows; i++)
                for (int j = 0; j < outs; j++) y[at++] = bias[j];
        if (rows == 1) OneRow.AddWeightedRows(x, w, y);
        else Gemm.Multiply<T>(x, w, y, rows, layer.Inputs, outs, false, false, accumulate: true);
        Dense<T>.ApplyActivation(layer.Activation, y);
    }

    /// <summary>
    /// Rows shorter than this are handled element by element: a span copy or a TensorPrimitives
    /// call per row costs more than the row (a linear model's batch of 32 one-value rows spent
    /// about 0.3 us per batch on them, a quarter of W5's SGD step).
    /// </summary>
    private const int SmallRow = 16;

    /// <summary>The bias gradient: the sum of dz's rows.</summary>
    private static void ColumnSums(ReadOnlySpan<T> dz, int rows, int outs, Span<T> sums)
    {
        dz[..outs].CopyTo(sums);
        if (outs >= SmallRow)
            for (int i = 1; i < rows; i++) TP.Add<T>(sums, dz.Slice(i * outs, outs), sums);
        else
            for (int i = 1, at = outs; i < rows; i++)
                for (int j = 0; j < outs; j++) sums[j] += dz[at++];
    }

    /// <summary>gW = x^T dz; for one row an outer product, written row by row.</summary>
    private static void WeightGradient(ReadOnlySpan<T> x, ReadOnlySpan<T> dz, Span<T> gw, int rows, int inputs, int outs)
    {
        if (rows == 1) OneRow.OuterProduct(x, dz, gw[..(inputs * outs)]);
        else Gemm.Multiply<T>(x, dz, gw, inputs, rows, outs, true, false, false);
    }

    /// <summary>dx = dz W^T; for one row a dot product per input.</summary>
    private static void InputGradient(ReadOnlySpan<T> dz, ReadOnlySpan<T> w, Span<T> dx, int rows, int inputs, int outs)
    {
        if (rows == 1)
            for (int p = 0; p < inputs; p++) dx[p] = TP.Dot<T>(w.Slice(p * outs, outs), dz);
        else Gemm.Multiply<T>(dz, w, dx, rows, outs, inputs, false, true, false);
    }

    /// <summary>Mean softmax cross-entropy and its gradient (softmax - onehot) / rows, as <see cref="Tensor{T}.SoftmaxCrossEntropy"/>.</summary>
    private static T CrossEntropy(ReadOnlySpan<T> logits, int[] labels, int[]? order, int start, int rows, Span<T> grad)
    {
        int c = logits.Length / rows;
        T total = T.Zero, scale = T.One / T.CreateTruncating(rows);
        for (int i = 0; i < rows; i++)
        {
            int label = labels[order?[start + i] ?? start + i];
            if ((uint)label >= (uint)c)
                Errors.Argument($"SoftmaxCrossEntropy: label {label} at row {i} is out of range for {c} classes (0..{c - 1}).");
            var xr = logits.Slice(i * c, c);
            var gr = grad.Slice(i * c, c);
            T max = TP.Max<T>(xr);
            TP.Subtract<T>(xr, max, gr);
            TP.Exp<T>(gr, gr);
            T logSum = T.Log(TP.Sum<T>(gr));
            total += (max - xr[label]) + logSum;
            // softmax = exp(x - max) / sum = exp(x - max - logSum)
            TP.Subtract<T>(xr, max + logSum, gr);
            TP.Exp<T>(gr, gr);
            gr[label] -= T.One;
            TP.Multiply<T>(gr, scale, gr);
        }
        return total / T.CreateTruncating(rows);
    }

    /// <summary>mean((y - t)^2) and its gradient 2 (y - t) / size.</summary>
    private static T MeanSquaredError(ReadOnlySpan<T> y, ReadOnlySpan<T> t, Span<T> grad)
    {
        TP.Subtract<T>(y, t, grad);
        T n = T.CreateTruncating(y.Length);
        T value = TP.SumOfSquares<T>(grad) / n;
        TP.Multiply<T>(grad, T.CreateTruncating(2) / n, grad);
        return value;
    }

    /// <summary>Adds into the parameter's gradient as AccumulateGrad does; after ZeroGrad it just hands over the buffer.</summary>
    private static void Deliver(Tensor<T> parameter, Tensor<T> gradient)
    {
        if (parameter.Grad is null || ReferenceEquals(parameter.Grad, gradient)) parameter.Grad = gradient;
        else TP.Add<T>(parameter.Grad.Data, gradient.Data, parameter.Grad.Data);
    }

    /// <summary>
    /// The batch's rows of a row-major table: in file order they are one block of the table,
    /// read in place (copying it cost W5's linear model 7% of its epoch); in shuffled order they
    /// are gathered into <paramref name="buffer"/>.
    /// </summary>
    private static ReadOnlySpan<T> Rows(ReadOnlySpan<T> source, int width, int[]? order, int start, int count, T[] buffer)
    {
        if (order is null) return source.Slice(start * width, count * width);
        for (int i = 0; i < count; i++) source.Slice(order[start + i] * width, width).CopyTo(buffer.AsSpan(i * width, width));
        return buffer.AsSpan(0, count * width);
    }

    private void Reserve(int rows)
    {
        if (rows <= capacity) return;
        capacity = rows;
        input = new T[rows * layers[0].Inputs];
        targets = new T[rows * layers[^1].Outputs];
        outputs = layers.Select(l => new T[rows * l.Outputs]).ToArray();
        deltas = layers.Select(l => new T[rows * l.Outputs]).ToArray();
        upstream = new T[rows * layers.Max(l => l.Inputs)];
    }
}

using System.Diagnostics;
using System.Numerics;
using Downhill.Models;
using Downhill.Nn;
using TP = System.Numerics.Tensors.TensorPrimitives;
using Downhill.Data;

namespace Downhill.Training;

/// <summary>
/// Forward pass, loss and backward pass of a <see cref="Network{T}"/> on one mini-batch in
/// buffers made once and reused, leaving each parameter's gradient in its Grad as
/// <c>loss.Backward()</c> would. The Trainer uses it for networks with every loss (binary
/// cross-entropy on one output); the tape remains the reference (the tests compare both).
/// </summary>
/// <remarks>
/// Why it exists: the tape allocates every activation, gradient and closure per batch, and for
/// the 784x128 layer that is about 1 MB per batch of 32. Fresh large arrays cost page faults
/// (system time), many times the matrix products themselves; reused buffers pay them once
/// (gain in bench/README.md, "Measured gains"). Batches are gathered straight from the training
/// set's rows into the input buffer instead of copying them out with IndexRows first. With
/// two or more threads a large enough batch is split across them (NetworkStep.Split.cs).
/// </remarks>
internal sealed partial class NetworkStep<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly IReadOnlyList<Dense<T>> layers;
    private readonly Loss loss;
    private readonly int threads;
    private readonly NDArray<T>[] weightGrads, biasGrads;
    private int capacity;
    private T[] input = [];
    private T[] targets = [];
    // The current batch's inputs and targets: the training set's own arrays when the rows are in
    // file order (read in place), else the gathered input and targets buffers.
    private T[] batchInput = [], batchTargets = [];
    private int batchInputAt, batchTargetsAt;
    private T[][] outputs = [];
    private T[][] deltas = [];
    private T[][] inputGrads = [];
    private T[] rowLosses = [];

    private NetworkStep(Network<T> network, Loss loss, int threads)
    {
        layers = network.Layers;
        this.loss = loss;
        this.threads = threads;
        weightGrads = layers.Select(l => NDArray<T>.Zeros(l.Inputs, l.Outputs)).ToArray();
        biasGrads = layers.Select(l => NDArray<T>.Zeros(l.Outputs)).ToArray();
        rowsPart = RowsPart;
        gradientsPart = GradientsPart;
        macsPerRow = MacsPerRow(layers);
    }

    /// <summary>
    /// The fused step for <paramref name="model"/> on <paramref name="threads"/> threads
    /// (default <see cref="Parallelism.Threads"/>), or null where only the tape applies (other
    /// models or losses). Frozen parameters (RequiresGrad off) get no gradient, as on the tape.
    /// </summary>
    public static NetworkStep<T>? For(Model<T> model, Loss loss, int? threads = null) => For(model, loss, out _, threads);

    /// <inheritdoc cref="For(Model{T}, Loss, int?)"/>
    /// <param name="whyNot">When null is returned: why the tape has to do it, for the fit's result.</param>
    public static NetworkStep<T>? For(Model<T> model, Loss loss, out string? whyNot, int? threads = null)
    {
        whyNot = model is not Network<T> network ? "not a network"
            : loss == Loss.BinaryCrossEntropy && network.Layers[^1].Outputs != 1
                ? $"loss {loss.Name()}: the network has {network.Layers[^1].Outputs} outputs, not one logit per row (the tape reports the shape)"
            : null;
        return whyNot is null ? new NetworkStep<T>((Network<T>)model, loss, threads ?? Parallelism.Threads) : null;
    }

    /// <summary>
    /// Loss of rows <c>order[start .. start+count)</c> of <paramref name="data"/> (rows start..
    /// when <paramref name="order"/> is null) and, when it is finite, the gradients added into
    /// every parameter's Grad. Returns the loss.
    /// </summary>
    public T Run(TrainingData<T> data, int[]? order, int start, int count)
    {
        if (loss.IsClassification()) CheckLabels(data.Labels!, order, start, count);
        Reserve(count);
        PlaceBatch(data, order, start);
        int parts = Parts(count), gemmThreads = threads;
        // A batch worth splitting runs split or wholly on this thread, whichever the recent
        // steps found faster (NetworkStep.Split.cs); the bits are the same either way.
        if (parts > 1 && !AlwaysSplit && !splitPays.Split()) (parts, gemmThreads) = (1, 1);
        if (parts == 1) RowsPass(data, order, start, 0, count, count, gemmThreads);
        else SplitRows(data, order, start, count, parts);
        // Row by row in batch order however the rows were split: the same bits on any number of threads.
        T sum = T.Zero;
        foreach (T rowLoss in rowLosses.AsSpan(0, count)) sum += rowLoss;
        T mean = sum / T.CreateTruncating(loss == Loss.CrossEntropy ? count : count * layers[^1].Outputs);
        T value = loss == Loss.Rmse ? T.Sqrt(mean) : mean;
        if (!T.IsFinite(value)) return value;

        if (parts == 1) GradientsPass(count, 0, 1, gemmThreads);
        else SplitGradients(parts);
        // Rmse's deltas are mse's (the root is not known while the rows run): the gradients are
        // linear in the upstream, so Sqrt's backward scales them here.
        if (loss == Loss.Rmse) ScaleGradients(SqrtOp<T>.Backward(mean, value, T.One));
        for (int l = 0; l < layers.Count; l++)
        {
            Deliver(layers[l].Weight, weightGrads[l]);
            Deliver(layers[l].Bias, biasGrads[l]);
        }
        return value;
    }

    /// <summary>
    /// Everything that works row by row, for rows <paramref name="from"/> .. <paramref name="to"/>
    /// of a batch of <paramref name="batchRows"/>: gathering, the forward pass, each row's loss
    /// into <see cref="rowLosses"/> and the gradient of the batch mean with respect to every
    /// layer's pre-activation (<see cref="deltas"/>). Rows never meet here; only the parameter
    /// gradients (<see cref="GradientsPass"/>) sum over the batch.
    /// </summary>
    private void RowsPass(TrainingData<T> data, int[]? order, int start, int from, int to, int batchRows, int gemmThreads)
    {
        int rows = to - from;
        if (order is not null) Gather(data, order, start + from, rows, from);
        ReadOnlySpan<T> x = batchInput.AsSpan(batchInputAt + from * layers[0].Inputs, rows * layers[0].Inputs);
        for (int l = 0; l < layers.Count; l++)
        {
            var layer = layers[l];
            var y = outputs[l].AsSpan(from * layer.Outputs, rows * layer.Outputs);
            Forward(layer, x, y, rows, gemmThreads);
            x = y;
        }
        int outs = layers[^1].Outputs;
        var top = deltas[^1].AsSpan(from * outs, rows * outs);
        var losses = rowLosses.AsSpan(from, rows);
        var t = loss.IsClassification() ? default : batchTargets.AsSpan(batchTargetsAt + from * outs, rows * outs);
        switch (loss)
        {
            case Loss.CrossEntropy: CrossEntropy(x, data.Labels!, order, start + from, batchRows, top, losses); break;
            case Loss.BinaryCrossEntropy: BinaryCrossEntropy(x, data.Labels!, order, start + from, batchRows, top, losses); break;
            case Loss.Mse or Loss.Rmse: PointLoss<MseLoss<T>>(x, t, batchRows * outs, top, losses); break;
            case Loss.Mae: PointLoss<MaeLoss<T>>(x, t, batchRows * outs, top, losses); break;
            default: PointLoss<HuberLoss<T>>(x, t, batchRows * outs, top, losses); break;
        }

        for (int l = layers.Count - 1; l >= 0; l--)
        {
            var layer = layers[l];
            var dz = deltas[l].AsSpan(from * layer.Outputs, rows * layer.Outputs);
            if (l < layers.Count - 1)
                Dense<T>.ActivationGradient(layer.Activation, inputGrads[l + 1].AsSpan(from * layer.Outputs, dz.Length), outputs[l].AsSpan(from * layer.Outputs, dz.Length), dz);
            if (l > 0) InputGradient(dz, layer.Weight.Data, inputGrads[l].AsSpan(from * layer.Inputs, rows * layer.Inputs), rows, layer.Inputs, layer.Outputs, gemmThreads);
        }
    }

    /// <summary>
    /// Share <paramref name="share"/> of <paramref name="shares"/> of the weight and bias
    /// gradients over the whole batch: gW = x^T dz and db = column sums of dz, cut by columns of
    /// the result, so each value is summed over the rows in the same order whatever the cut.
    /// </summary>
    private void GradientsPass(int count, int share, int shares, int gemmThreads)
    {
        for (int l = 0; l < layers.Count; l++)
        {
            var layer = layers[l];
            int outs = layer.Outputs;
            ReadOnlySpan<T> x = l == 0 ? batchInput.AsSpan(batchInputAt, count * layer.Inputs) : outputs[l - 1].AsSpan(0, count * layer.Inputs);
            ReadOnlySpan<T> dz = deltas[l].AsSpan(0, count * outs);
            if (shares == 1) WeightGradient(x, dz, weightGrads[l].Data, count, layer.Inputs, outs, gemmThreads);
            else Gemm.MultiplyShare<T>(x, dz, weightGrads[l].Data, layer.Inputs, count, outs, true, false, false, share, shares);
            int j0 = outs * share / shares, j1 = outs * (share + 1) / shares;
            if (j0 == j1) continue;
            ColumnSums(dz, count, outs, j0, j1, biasGrads[l].Data[j0..j1]);
        }
    }

    /// <summary>y = act(x W + b) for <paramref name="rows"/> rows, as <see cref="Dense{T}.Forward(NDArray{T})"/> computes it.</summary>
    private static void Forward(Dense<T> layer, ReadOnlySpan<T> x, Span<T> y, int rows, int threads)
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
        else Gemm.Multiply<T>(x, w, y, rows, layer.Inputs, outs, false, false, accumulate: true, threads);
        Dense<T>.ApplyActivation(layer.Activation, y);
    }

    /// <summary>gW = x^T dz; for one row an outer product, written row by row.</summary>
    private static void WeightGradient(ReadOnlySpan<T> x, ReadOnlySpan<T> dz, Span<T> gw, int rows, int inputs, int outs, int threads)
    {
        if (rows == 1) OneRow.OuterProduct(x, dz, gw[..(inputs * outs)]);
        else Gemm.Multiply<T>(x, dz, gw, inputs, rows, outs, true, false, false, threads);
    }

    /// <summary>
    /// Rows shorter than this are handled element by element: a span copy or a TensorPrimitives
    /// call per row costs more than the row (for a linear model's one-value rows those calls are a
    /// large share of its SGD step, see bench/README.md).
    /// </summary>
    private const int SmallRow = 16;

    /// <summary>Columns j0..j1 of the bias gradient: the sums of those columns of dz over the batch.</summary>
    private static void ColumnSums(ReadOnlySpan<T> dz, int rows, int outs, int j0, int j1, Span<T> sums)
    {
        int width = j1 - j0;
        dz.Slice(j0, width).CopyTo(sums);
        if (width >= SmallRow)
            for (int i = 1; i < rows; i++) TP.Add<T>(sums, dz.Slice(i * outs + j0, width), sums);
        else
            for (int i = 1; i < rows; i++)
                for (int j = 0; j < width; j++) sums[j] += dz[i * outs + j0 + j];
    }

    /// <summary>dx = dz W^T; for one row a dot product per input.</summary>
    private static void InputGradient(ReadOnlySpan<T> dz, ReadOnlySpan<T> w, Span<T> dx, int rows, int inputs, int outs, int threads)
    {
        if (rows == 1)
            for (int p = 0; p < inputs; p++) dx[p] = TP.Dot<T>(w.Slice(p * outs, outs), dz);
        else Gemm.Multiply<T>(dz, w, dx, rows, outs, inputs, false, true, false, threads);
    }

    /// <summary>
    /// Each row's softmax cross-entropy and the gradient of the batch mean, (softmax - onehot) /
    /// batchRows, as <see cref="NDArray{T}.SoftmaxCrossEntropy"/>.
    /// </summary>
    private static void CrossEntropy(ReadOnlySpan<T> logits, int[] labels, int[]? order, int start, int batchRows, Span<T> grad, Span<T> rowLosses)
    {
        int rows = rowLosses.Length, c = logits.Length / rows;
        T scale = T.One / T.CreateTruncating(batchRows);
        for (int i = 0; i < rows; i++)
        {
            int label = labels[order?[start + i] ?? start + i];
            Debug.Assert((uint)label < (uint)c);
            var xr = logits.Slice(i * c, c);
            var gr = grad.Slice(i * c, c);
            rowLosses[i] = SoftmaxCrossEntropyRow<T>.Forward(xr, label, gr, out T lse);
            SoftmaxCrossEntropyRow<T>.Backward(xr, lse, label, scale, gr);
        }
    }

    /// <summary>
    /// Each row's binary cross-entropy of its one logit and the gradient of the batch mean,
    /// (sigmoid - label) / batchRows, as <see cref="NDArray{T}.SigmoidBinaryCrossEntropy"/>.
    /// </summary>
    private static void BinaryCrossEntropy(ReadOnlySpan<T> logits, int[] labels, int[]? order, int start, int batchRows, Span<T> grad, Span<T> rowLosses)
    {
        T mean = T.One / T.CreateTruncating(batchRows);
        for (int i = 0; i < rowLosses.Length; i++)
        {
            T y = labels[order?[start + i] ?? start + i] == 0 ? T.Zero : T.One;
            rowLosses[i] = SigmoidCrossEntropy<T>.Term(logits[i], y);
            grad[i] = SigmoidCrossEntropy<T>.Backward(logits[i], y, mean);
        }
    }

    /// <summary>Before any pass, so that a bad label is reported from the calling thread with its row in the batch.</summary>
    private void CheckLabels(int[] labels, int[]? order, int start, int count)
    {
        int c = layers[^1].Outputs;
        for (int i = 0; i < count; i++)
        {
            int label = labels[order?[start + i] ?? start + i];
            if (loss == Loss.BinaryCrossEntropy) SigmoidCrossEntropy<T>.Label(label, i);
            else if ((uint)label >= (uint)c)
                Errors.Argument($"SoftmaxCrossEntropy: label {label} at row {i} is out of range for {c} classes (0..{c - 1}).");
        }
    }

    /// <summary>
    /// Each row's sum of <typeparamref name="TLoss"/>'s terms of y - t and the gradient of the
    /// batch mean (upstream 1 / batchSize), in place in <paramref name="grad"/>.
    /// </summary>
    private static void PointLoss<TLoss>(ReadOnlySpan<T> y, ReadOnlySpan<T> t, int batchSize, Span<T> grad, Span<T> rowLosses) where TLoss : IPointLoss<T>
    {
        TP.Subtract<T>(y, t, grad);
        int k = grad.Length / rowLosses.Length;
        for (int i = 0; i < rowLosses.Length; i++) rowLosses[i] = TLoss.RowSum(grad.Slice(i * k, k));
        TLoss.Backward(grad, T.One / T.CreateTruncating(batchSize), grad);
    }

    /// <summary>Every weight and bias gradient times <paramref name="factor"/>.</summary>
    private void ScaleGradients(T factor)
    {
        for (int l = 0; l < layers.Count; l++)
        {
            TP.Multiply<T>(weightGrads[l].Data, factor, weightGrads[l].Data);
            TP.Multiply<T>(biasGrads[l].Data, factor, biasGrads[l].Data);
        }
    }

    /// <summary>Adds into the parameter's gradient as AccumulateGrad does; after ZeroGrad it just hands over the buffer.</summary>
    private static void Deliver(NDArray<T> parameter, NDArray<T> gradient)
    {
        // NOTE: a frozen parameter keeps Grad null, as Backward leaves it: clipping by norm must not count it.
        if (!parameter.RequiresGrad) return;
        if (parameter.Grad is null || ReferenceEquals(parameter.Grad, gradient)) parameter.Grad = gradient;
        else TP.Add<T>(parameter.Grad.Data, gradient.Data, parameter.Grad.Data);
    }

    /// <summary>
    /// Where the batch's rows are read from. Rows in file order are one block of the training
    /// set, read in place: copying them is a visible share of a linear model's epoch. Shuffled rows
    /// are gathered into the buffers by each part (<see cref="Gather"/>).
    /// </summary>
    private void PlaceBatch(TrainingData<T> data, int[]? order, int start)
    {
        bool inPlace = order is null;
        batchInput = inPlace ? data.Features.Buffer : input;
        batchInputAt = inPlace ? start * layers[0].Inputs : 0;
        batchTargets = inPlace && data.Targets is { } t ? t.Buffer : targets;
        batchTargetsAt = inPlace && data.Targets is not null ? start * data.Targets.Shape[1] : 0;
    }

    /// <summary>Rows <c>order[start ..]</c> of the data into the input (and target) buffers from row <paramref name="at"/> on.</summary>
    private void Gather(TrainingData<T> data, int[] order, int start, int count, int at)
    {
        int f = layers[0].Inputs;
        var source = data.Features.Data;
        for (int i = 0; i < count; i++)
            source.Slice(order[start + i] * f, f).CopyTo(input.AsSpan((at + i) * f, f));
        if (data.Targets is { } t)
        {
            int k = t.Shape[1];
            for (int i = 0; i < count; i++)
                t.Data.Slice(order[start + i] * k, k).CopyTo(targets.AsSpan((at + i) * k, k));
        }
    }

    private void Reserve(int rows)
    {
        if (rows <= capacity) return;
        capacity = rows;
        input = new T[rows * layers[0].Inputs];
        targets = new T[rows * layers[^1].Outputs];
        outputs = layers.Select(l => new T[rows * l.Outputs]).ToArray();
        deltas = layers.Select(l => new T[rows * l.Outputs]).ToArray();
        // One per layer (none for the first), not one shared buffer: with the batch split, one
        // part may write layer l's rows while another still reads layer l+1's.
        inputGrads = layers.Select((l, i) => i == 0 ? [] : new T[rows * l.Inputs]).ToArray();
        rowLosses = new T[rows];
    }
}

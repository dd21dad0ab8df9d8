using System.Numerics;
using Downhill.Data;
using Downhill.Formulas;
using Downhill.Nn;

namespace Downhill.Models;

/// <summary>Predictions for a data set: numbers per target, or a class (and probabilities) per row.</summary>
public sealed record Predictions(
    string[] Columns,
    double[] Values,
    int[]? Classes,
    double[]? Probabilities,
    string[]? ClassNames)
{
    /// <summary>The number of rows predicted.</summary>
    public int Rows => Classes?.Length ?? (Columns.Length == 0 ? 0 : Values.Length / Columns.Length);

    /// <summary>Row <paramref name="i"/> by name: its value per target, or its class and the probability of each class.</summary>
    public Prediction Row(int i)
    {
        if ((uint)i >= (uint)Rows) Errors.OutOfRange(nameof(i), i, $"a row index in 0..{Rows - 1} ({Rows} rows were predicted)");
        if (Classes is null)
        {
            int k = Columns.Length;
            return new Prediction { Values = Enumerable.Range(0, k).ToDictionary(j => Columns[j], j => Values[i * k + j], StringComparer.Ordinal) };
        }
        int c = ClassNames!.Length;
        return new Prediction
        {
            Values = new Dictionary<string, double>(StringComparer.Ordinal),
            Class = ClassNames[Classes[i]],
            Probabilities = Enumerable.Range(0, c).ToDictionary(j => ClassNames[j], j => Probabilities![i * c + j], StringComparer.Ordinal),
        };
    }
}

/// <summary>
/// A model file brought back to life: rebuilds the model in the file's precision, applies the
/// stored scaler, and predicts or evaluates on new data.
/// </summary>
public sealed class Predictor
{
    private readonly Func<Dataset, double[]> forward;

    /// <param name="file">A model file; checked first (<see cref="ModelFile.Validate(string)"/>), so a damaged one is a <see cref="DataFileException"/>.</param>
    /// <param name="source">How error messages name the file (its path).</param>
    public Predictor(ModelFile file, string source = "model file")
    {
        file.Validate(source);
        File = file;
        Loss = Losses.Parse(file.Loss);
        var inner = file.Precision switch
        {
            "float32" => Build<float>(file),
            _ => Build<double>(file),
        };
        // Missing features take the values the model was trained with (the training rows' means or medians).
        forward = data => inner(Filled(data));
    }

    private Dataset Filled(Dataset data) => data.FillMissing(File.Missing ?? new MissingFill { Policy = MissingValues.Error });

    /// <summary>The model file the predictor was built from.</summary>
    public ModelFile File { get; }
    /// <summary>The loss the model was trained with; it decides how outputs become classes and probabilities.</summary>
    public Loss Loss { get; }
    /// <summary>True when the model predicts classes (the file names them), false for numbers.</summary>
    public bool IsClassifier => File.Classes is not null;

    /// <summary>
    /// Which columns to read from a data file to predict (and, with targets, to evaluate), and how
    /// to meet missing cells. A model fitted with Mean or Median fills missing features with its
    /// stored values; any other refuses to predict for a row with a missing feature, since a
    /// prediction for every input row was asked for. To evaluate, rows whose target is missing
    /// are left out, and so are rows with a missing feature for a model fitted with Drop.
    /// </summary>
    public DataOptions DataOptions(bool withTargets, string? id = null, char? delimiter = null)
    {
        var missing = withTargets && File.Missing?.Policy == MissingValues.Drop ? MissingValues.Drop : MissingValues.Mean;
        if (File.Kind == "formula")
        {
            // Only the columns the formula reads (and, to evaluate, those of its left side); other
            // columns, text ones included, are ignored as they are for every other model.
            var formula = Formula.Parse(File.Formula ?? throw new DataFileException("model file: a formula model without \"formula\"."));
            var columns = File.Features.ToList();
            if (withTargets)
                foreach (var name in formula.Target?.Variables() ?? [])
                    if (!columns.Contains(name) && !File.Parameters.Any(p => p.Name == name)) columns.Add(name);
            return new DataOptions { Delimiter = delimiter, Id = id, Features = columns, TargetKind = TargetKind.Regression, Missing = missing };
        }
        return new DataOptions
        {
            Delimiter = delimiter,
            Id = id,
            Features = File.Features,
            Targets = withTargets ? File.Targets : null,
            TargetKind = IsClassifier ? TargetKind.Classification : TargetKind.Regression,
            Missing = missing,
        };
    }

    /// <summary>Raw model outputs [rows, outputs] in the data's units (target scaling undone).</summary>
    public double[] Outputs(Dataset data) => forward(data);

    /// <summary>Predictions for every row of <paramref name="data"/>: the targets in the data's units, or each row's class and class probabilities.</summary>
    public Predictions Predict(Dataset data)
    {
        var raw = forward(data);
        if (!IsClassifier) return new Predictions(File.Targets, raw, null, null, null);
        int n = data.Count, c = File.Classes!.Length;
        var probabilities = new double[n * c];
        var classes = new int[n];
        int outputs = raw.Length / Math.Max(n, 1);
        for (int i = 0; i < n; i++)
        {
            var p = probabilities.AsSpan(i * c, c);
            if (outputs == 1)
            {
                double s = 1 / (1 + Math.Exp(-raw[i]));
                p[0] = 1 - s; p[1] = s;
            }
            else
            {
                var row = raw.AsSpan(i * c, c);
                double max = double.NegativeInfinity;
                foreach (var v in row) max = Math.Max(max, v);
                double sum = 0;
                for (int k = 0; k < c; k++) sum += p[k] = Math.Exp(row[k] - max);
                for (int k = 0; k < c; k++) p[k] /= sum;
            }
            classes[i] = System.Numerics.Tensors.TensorPrimitives.IndexOfMax<double>(p);
        }
        return new Predictions(File.Targets, [], classes, probabilities, File.Classes);
    }

    /// <summary>
    /// Predicts one row given as feature name to value, with the model's stored scaler and
    /// missing-value fill (a NaN is a missing cell) applied exactly as for a data file, so the
    /// result has the same bits as that row's prediction in a <see cref="Dataset"/>. Names other
    /// than the model's features are ignored, as other columns of a data file are.
    /// </summary>
    public Prediction Predict(IReadOnlyDictionary<string, double> row)
    {
        ArgumentNullException.ThrowIfNull(row);
        // NOTE: vectorized math (TensorPrimitives.Exp, Tanh) rounds some values an ulp apart from
        // the scalar Math functions it falls back to for a vector of one element. Predicting the
        // row as a batch of identical copies takes the vector path a data set's rows take.
        // The fill comes first, so that a refused missing cell is reported once, for the one row.
        return Predict(Filled(RowsAsData([row], single: true)).Subset(new int[BatchOfOne])).Row(0);
    }

    /// <summary>Copies of a lone row predicted together: at least one Vector512 of float (16 lanes).</summary>
    private const int BatchOfOne = 16;

    /// <summary>Predicts several rows in one pass (see <see cref="Predict(IReadOnlyDictionary{string, double})"/>), in their order.</summary>
    public IReadOnlyList<Prediction> Predict(IEnumerable<IReadOnlyDictionary<string, double>> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var data = RowsAsData([.. rows], single: false);
        if (data.Count == 0) return [];
        var predictions = Predict(data);
        return [.. Enumerable.Range(0, data.Count).Select(predictions.Row)];
    }

    /// <summary>
    /// The rows as the reader would give them for prediction: the model's feature columns in
    /// its order, NaN cells counted as missing (filled by <see cref="forward"/>), no targets.
    /// </summary>
    private Dataset RowsAsData(IReadOnlyList<IReadOnlyDictionary<string, double>> rows, bool single)
    {
        var features = File.Features;
        var values = new double[rows.Count * features.Length];
        int missing = 0;
        for (int i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            string name = single ? "the row" : $"rows[{i}]";
            if (row is null) Errors.Argument($"{name} is null; give each row as feature name to value.", single ? "row" : "rows");
            for (int j = 0; j < features.Length; j++)
            {
                if (!row.TryGetValue(features[j], out double v))
                    Errors.Argument($"{name} has no feature \"{features[j]}\"; the model expects {string.Join(", ", features.Select(f => $"\"{f}\""))}" +
                        $" (it has {(row.Count == 0 ? "none" : string.Join(", ", row.Keys.Select(k => $"\"{k}\"")))}). Give a missing value as double.NaN.", single ? "row" : "rows");
                if (double.IsNaN(v)) missing++;
                values[i * features.Length + j] = v;
            }
        }
        // Mean, as DataOptions(withTargets: false) reads a file to predict: missing cells are kept for the model's fill.
        return Dataset.FromParts(single ? "the row" : "the rows", rows.Count, features, values, [], null, null, null, null, null,
            new MissingState(MissingValues.Mean, 0, missing));
    }

    /// <summary>Metrics on labelled data: <c>loss</c> plus rmse/mae/r2 or accuracy.</summary>
    public Dictionary<string, double> Evaluate(Dataset data)
    {
        var raw = forward(data);
        int n = data.Count;
        var output = NDArray<double>.Wrap(raw, n, raw.Length / Math.Max(n, 1));
        TrainingData<double> truth;
        if (File.Kind == "formula")
        {
            truth = new TrainingData<double>(output, FormulaFor(File).TargetFrom(data), null);
        }
        else if (IsClassifier)
        {
            if (data.Labels is null) Errors.Data($"{data.Source}: no class labels in \"{string.Join(", ", File.Targets)}\" to evaluate against.");
            truth = new TrainingData<double>(output, null, MapClasses(data));
        }
        else
            truth = new TrainingData<double>(output, NDArray<double>.FromArray(RawTargets(data), n, File.Targets.Length), null);
        var metrics = Metrics.Compute(Loss, output, truth);
        metrics["loss"] = Losses.Compute(Loss, output, truth.Targets, truth.Labels).Item();
        return metrics;
    }

    private static double[] RawTargets(Dataset data)
    {
        int n = data.Count, k = data.TargetCount;
        var y = new double[n * k];
        for (int j = 0; j < k; j++)
        {
            var col = data.Column(data.TargetNames[j]);
            for (int i = 0; i < n; i++) y[i * k + j] = col[i];
        }
        return y;
    }

    /// <summary>The data's labels in the model's class numbering (a class the model never saw is an error).</summary>
    private int[] MapClasses(Dataset data)
    {
        var index = File.Classes!.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        return data.Labels!.Select(l =>
        {
            string name = data.ClassNames![l];
            return index.TryGetValue(name, out int k) ? k
                : throw new DataFileException($"{data.Source}: class \"{name}\" is not one the model knows ({string.Join(", ", File.Classes!)}).");
        }).ToArray();
    }

    private static FormulaModel FormulaFor(ModelFile file)
    {
        var formula = Formula.Parse(file.Formula ?? throw new DataFileException("model file: a formula model without \"formula\"."));
        var parameters = file.Parameters.Select(p => p.Name).ToArray();
        var init = file.Parameters.ToDictionary(p => p.Name, p => p.Values[0], StringComparer.Ordinal);
        return new FormulaModel(formula, file.Features, parameters, init);
    }

    private static Func<Dataset, double[]> Build<T>(ModelFile file) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Model<T> model;
        if (file.Kind == "formula")
        {
            if (typeof(T) != typeof(double)) throw new DataFileException("model file: formula models are stored in float64.");
            model = (Model<T>)(object)FormulaFor(file);
        }
        else
        {
            var activation = file.Activation is null ? Activation.Relu : ActivationNames.Parse(file.Activation);
            // Validate checked the stored parameters against this architecture, name by name and shape by shape.
            int outputs = file.Parameters.Last(p => p.Name.EndsWith(".weight", StringComparison.Ordinal) || p.Name == "weight").Shape[^1];
            if (file.Kind == "conv")
                model = new ConvNet<T>(ModelSpec.Parse(file.Layers!).Layers, file.StoredImage, file.Features.Length, outputs, activation, seed: 0);
            else
            {
                var spec = ModelSpec.Parse(file.Kind == "mlp" ? "mlp:" + string.Join(",", file.Hidden ?? []) : file.Kind);
                model = new Network<T>(spec.Kind, file.Features.Length, outputs, spec.Hidden, activation, seed: 0);
            }
            var stored = model.Stored.ToArray();
            for (int i = 0; i < file.Parameters.Length; i++)
            {
                var p = stored[i];
                for (int k = 0; k < p.Size; k++) p.Data[k] = T.CreateTruncating(file.Parameters[i].Values[k]);
            }
        }
        // Only the feature half of the scaler applies to inputs; new data need not have target columns.
        var featureScaler = file.Scaler is null ? null : new Scaler(file.Scaler.Kind, file.Scaler.FeatureOffset, file.Scaler.FeatureScale);
        return data =>
        {
            NDArray<T> output;
            using (Autograd.NoGrad())
            {
                NDArray<T> x;
                x = model is FormulaModel fm
                    ? (NDArray<T>)(object)fm.InputsFrom(data)
                    : data.WithScaler(featureScaler).Features<T>();
                output = model.Forward(x);
            }
            var result = output.ToArray().Select(double.CreateTruncating).ToArray();
            if (file.Scaler?.TargetOffset is not null)
            {
                int k = file.Targets.Length;
                for (int i = 0; i < result.Length; i += k) file.Scaler.InverseTargets(result.AsSpan(i, k));
            }
            return result;
        };
    }
}

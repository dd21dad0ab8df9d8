using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Downhill.Analysis;
using Downhill.Data;
using Downhill.Formulas;
using Downhill.Models;
using Downhill.Nn;
using Downhill.Optim;
using Downhill.Training;

namespace Downhill.Bench;

/// <summary>
/// The Downhill side of bench/run: <c>workloads --json --workload Wn --threads T [--quick]</c>
/// prints the measurement lines of bench/README.peers.md, one JSON object per line on stdout.
/// Every training workload goes through the library's public path (Network, Trainer,
/// optimizers), as a user's program would; W7 calls the GEMM kernel the tensors use.
/// </summary>
internal static class Workloads
{
    private const int EpochSamples = 60_000, QuickSamples = 6_000;
    private static readonly int[] GemmSizes = [128, 256, 512, 1024];

    private static int threads = 1;
    private static bool quick;
    private static readonly List<double> cpuShares = [];
    private static readonly List<double> cpuSeconds = [];

    private static string Version =>
        "Downhill " + (typeof(NDArray<float>).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.1.0");

    private static string DataDir => Environment.GetEnvironmentVariable("DOWNHILL_BENCH_DATA") is { Length: > 0 } d ? d : "/tmp/downhill-bench-data";

    private static string MnistDir => Environment.GetEnvironmentVariable("FASHION_MNIST_DIR") is { Length: > 0 } d ? d : "/usr/share/datasets/fashion-mnist";

    public static int Run(string[] args)
    {
        string? workload = null;
        for (int i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--json": break;
                case "--quick": quick = true; break;
                case "--workload" when i + 1 < args.Length: workload = args[++i]; break;
                case "--threads" when i + 1 < args.Length:
                    if (!int.TryParse(args[++i], out threads) || threads < 1)
                    {
                        Console.Error.WriteLine($"workloads: --threads \"{args[i]}\" is not a thread count (use 1 or 2)");
                        return 2;
                    }
                    break;
                default:
                    Console.Error.WriteLine($"workloads: unknown option \"{args[i]}\" (use --json --workload W1..W8 --threads T [--quick])");
                    return 2;
            }
        }
        Parallelism.Threads = threads;
        Action? run = workload switch
        {
            "W1" => W1,
            "W2" => W2,
            "W3" => W3,
            "W4" => W4,
            "W5" => W5,
            "W6" => W6,
            "W7" => W7,
            "W8" => W8,
            _ => null,
        };
        if (run is null)
        {
            Console.Error.WriteLine($"workloads: --workload \"{workload}\" is not one of W1..W8");
            return 2;
        }
        run();
        return 0;
    }

    // ---- W1-W3: training throughput on Fashion-MNIST ----------------------------------------

    private static void W1()
    {
        var train = ShuffledFashionMnist();
        foreach (int batch in new[] { 1, 32 })
            Throughput("W1", train, [16, 16], Activation.Sigmoid, batch, p => new Sgd<float>(p, new SgdOptions { LearningRate = 0.1 }));
    }

    private static void W2()
    {
        var train = ShuffledFashionMnist();
        foreach (int batch in new[] { 32, 128 })
            Throughput("W2", train, [128], Activation.Relu, batch, p => new Sgd<float>(p, new SgdOptions { LearningRate = 0.1 }));
    }

    private static void W3()
    {
        var train = ShuffledFashionMnist();
        Throughput("W3", train, [256, 128], Activation.Relu, 128,
            p => new Adam<float>(p, new AdamOptions { LearningRate = 0.001, Beta1 = 0.9, Beta2 = 0.999, Eps = 1e-8 }));
    }

    private static void Throughput(string workload, TrainingData<float> train, int[] hidden, Activation activation, int batch,
        Func<IReadOnlyList<NDArray<float>>, Optimizer<float>> makeOptimizer)
    {
        var model = new Network<float>(ModelKind.Mlp, 784, 10, hidden, activation, seed: 0);
        var optimizer = makeOptimizer(model.Parameters);
        // The data was shuffled once before timing; the timed loop takes consecutive batches.
        var options = new TrainingOptions { Epochs = 1, BatchSize = batch, Shuffle = false, Loss = Loss.CrossEntropy };
        var trainer = new Trainer<float>(model, optimizer, options);
        int count = quick ? QuickSamples : EpochSamples;
        var warmUp = First(train, Math.Max(2_000, 20 * batch));
        var epoch = First(train, count);
        trainer.Fit(warmUp);
        var pause = GC.GetTotalPauseDuration();
        int gen2 = GC.CollectionCount(2);
        long allocated = GC.GetTotalAllocatedBytes();
        var runs = Timed(() => trainer.Fit(epoch), seconds => count / seconds);
        Emit(workload, $"batch={batch},threads={threads}", "samples_per_s", runs,
            new()
            {
                ["samples"] = count, ["samples_per_cpu_s"] = Round(count / Median(cpuSeconds)),
                ["gc_pause_s"] = Round((GC.GetTotalPauseDuration() - pause).TotalSeconds), ["gen2_collections"] = GC.CollectionCount(2) - gen2,
                ["allocated_mb"] = Round((GC.GetTotalAllocatedBytes() - allocated) / 1048576.0),
            });
    }

    // ---- W4: accuracy -----------------------------------------------------------------------

    private static void W4()
    {
        var trainSet = FashionMnist(test: false);
        var testSet = FashionMnist(test: true);
        int[] seeds = quick ? [0] : [0, 1, 2, 3, 4];
        int epochs = quick ? 1 : 5;
        // pixels / 255 as the peers read them, and each pixel standardized on the training set
        // (Scaler, what `downhill fit` does by default); the peers run both too.
        foreach (string scale in new[] { "pixels", "standard" })
        {
            var scaler = scale == "standard" ? Scaler.Fit(trainSet, ScalerKind.Standard) : null;
            var train = TrainingData<float>.From(trainSet.WithScaler(scaler));
            var testFeatures = testSet.WithScaler(scaler).Features<float>();
            var accuracies = new List<double>();
            foreach (int seed in seeds)
            {
                var model = new Network<float>(ModelKind.Mlp, 784, 10, [128], Activation.Relu, seed);
                var optimizer = new Sgd<float>(model.Parameters, new SgdOptions { LearningRate = 0.1 });
                var options = new TrainingOptions { Epochs = epochs, BatchSize = 32, Shuffle = true, Seed = seed, Loss = Loss.CrossEntropy };
                var trainer = new Trainer<float>(model, optimizer, options);
                trainer.Fit(train);
                var scores = trainer.Predict(testFeatures);
                accuracies.Add(Accuracy(scores, testSet.Labels!));
            }
            cpuShares.Clear();
            Emit("W4", $"epochs={epochs},batch=32,lr=0.1,scale={scale}", "test_accuracy", accuracies,
                new() { ["seeds"] = seeds });
        }
    }

    private static double Accuracy(NDArray<float> scores, int[] labels)
    {
        int classes = scores.Shape[1], right = 0;
        var s = scores.Data;
        for (int i = 0; i < labels.Length; i++)
        {
            var row = s.Slice(i * classes, classes);
            int best = 0;
            for (int c = 1; c < classes; c++) if (row[c] > row[best]) best = c;
            if (best == labels[i]) right++;
        }
        return (double)right / labels.Length;
    }

    // ---- W5: linear regression, closed form and one epoch of SGD ----------------------------

    private static void W5()
    {
        var (x, y, meta) = LoadLinreg();
        int rows = y.Length, features = x.Length / rows;
        var referenceWeights = meta.GetProperty("lstsq_weights").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        double referenceBias = meta.GetProperty("lstsq_bias").GetDouble();
        double Error(ReadOnlySpan<double> w, double b)
        {
            double worst = Math.Abs(b - referenceBias);
            for (int j = 0; j < w.Length; j++) worst = Math.Max(worst, Math.Abs(w[j] - referenceWeights[j]));
            return worst;
        }

        // Closed form on the float32 arrays as they are (the solver widens each block of rows to
        // double as it packs them, and computes in double).
        LinearLeastSquaresResult? solution = null;
        LinearLeastSquaresResult Solve() => LinearLeastSquares.Fit(x, features, y);
        Solve();
        var runs = Timed(() => solution = Solve(), seconds => seconds);
        string config = $"closed_form,threads={threads}";
        Emit("W5", config, "seconds", runs, new() { ["method"] = $"LinearLeastSquares ({solution!.Solver})" });
        Emit("W5", config, "coef_max_abs_err", [Error(solution.Weights, solution.Biases[0])]);

        // One epoch of mini-batch SGD in file order from zero weights, at the batch sizes and
        // rates of bench/peers/workloads.py (W5_SGD_RUNS).
        var data = new TrainingData<float>(NDArray<float>.Wrap(x, rows, features), NDArray<float>.Wrap(y, rows, 1), null);
        var model = new Network<float>(ModelKind.Linear, features, 1, [], Activation.Identity, seed: 0);
        foreach (var (batch, rate) in new[] { (32, 0.01), (128, 0.02) })
        {
            void Epoch()
            {
                foreach (var p in model.Parameters) p.Data.Clear();
                var optimizer = new Sgd<float>(model.Parameters, new SgdOptions { LearningRate = rate });
                var options = new TrainingOptions { Epochs = 1, BatchSize = batch, Shuffle = false, Loss = Loss.Mse };
                new Trainer<float>(model, optimizer, options).Fit(data);
            }
            Epoch();
            runs = Timed(Epoch, seconds => seconds);
            config = $"sgd,epochs=1,batch={batch},lr={rate},threads={threads}";
            Emit("W5", config, "seconds", runs);
            var weights = model.Layers[0].Weight.ToArray().Select(v => (double)v).ToArray();
            Emit("W5", config, "coef_max_abs_err", [Error(weights, model.Layers[0].Bias.Data[0])]);
        }
    }

    private static (float[] X, float[] Y, JsonElement Meta) LoadLinreg()
    {
        using var meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(DataDir, "linreg.json")));
        return (ReadFloats(Path.Combine(DataDir, "linreg_x.f32")), ReadFloats(Path.Combine(DataDir, "linreg_y.f32")), meta.RootElement.Clone());
    }

    private static float[] ReadFloats(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var values = new float[bytes.Length / sizeof(float)];
        Buffer.BlockCopy(bytes, 0, values, 0, values.Length * sizeof(float));
        return values;
    }

    // ---- W6: the seed's line ----------------------------------------------------------------

    private static void W6()
    {
        const int Steps = 10_000;
        var x = new double[20];
        var y = new double[20];
        for (int i = 0; i < 20; i++) { x[i] = i; y[i] = 2 * i + 30; }
        var data = new TrainingData<double>(NDArray<double>.Wrap(x, 20, 1), NDArray<double>.Wrap(y, 20, 1), null);
        var model = new FormulaModel(Formula.Parse("y = m*x + b"), ["x"], ["m", "b"]);
        void Fit(int steps)
        {
            foreach (var p in model.Parameters) p.Data[0] = 1;
            var optimizer = new Sgd<double>(model.Parameters, new SgdOptions { LearningRate = 0.005 });
            // Full batch: one step per epoch.
            var options = new TrainingOptions { Epochs = steps, Shuffle = false, Loss = Loss.Mse };
            new Trainer<double>(model, optimizer, options).Fit(data);
        }
        Fit(500);
        var runs = Timed(() => Fit(Steps), seconds => Steps / seconds);
        Emit("W6", $"steps={Steps},lr=0.005,threads=1", "steps_per_s", runs,
            new()
            {
                ["m"] = model.Parameter("m").Item(), ["b"] = model.Parameter("b").Item(),
                ["steps_per_cpu_s"] = Round(Steps / Median(cpuSeconds)), ["precision"] = "float64",
            });
    }

    // ---- W7: GEMM ---------------------------------------------------------------------------

    private static void W7()
    {
        var shapes = GemmSizes.Select(s => (M: s, K: s, N: s)).Concat([(32, 784, 128), (128, 784, 128)]);
        foreach (var (m, k, n) in shapes)
        {
            var rng = new Random(1);
            var a = new float[m * k];
            var b = new float[k * n];
            var c = new float[m * n];
            for (int i = 0; i < a.Length; i++) a[i] = (float)rng.NextDouble();
            for (int i = 0; i < b.Length; i++) b[i] = (float)rng.NextDouble();
            double flops = 2.0 * m * k * n;
            int calls = Math.Max(1, (int)(2e10 / flops));
            void Calls()
            {
                for (int i = 0; i < calls; i++) Gemm.Multiply<float>(a, b, c, m, k, n, false, false, accumulate: false);
            }
            Calls();
            var runs = Timed(Calls, seconds => calls * flops / seconds / 1e9, repeats: quick ? 5 : 5);
            Emit("W7", $"m={m},k={k},n={n},threads={threads}", "gflops", runs,
                new() { ["gflops_per_cpu_s"] = Round(calls * flops / Median(cpuSeconds) / 1e9 * threads) });
        }
    }

    // ---- W8: CSV --------------------------------------------------------------------------

    private static void W8()
    {
        var path = Path.Combine(DataDir, "linreg.csv");
        long bytes = new FileInfo(path).Length;
        int rows = 0, cols = 0;
        void Read()
        {
            // The float table the trainer consumes, 20 feature columns and the target, read
            // straight into floats on Parallelism.Threads threads (no double Dataset in between).
            var (features, targets) = Csv.ReadTensors<float>(path, new DataOptions { Targets = ["y"] });
            rows = features.Shape[0];
            cols = features.Shape[1] + targets!.Shape[1];
        }
        double rssBefore = Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0;
        Read();
        // Each run starts as in a fresh process: the last run's table collected and its memory
        // handed back to the OS (the Python peers free their arrays at once), so every run pays
        // for touching new memory and the peak RSS is that of one read, not of garbage piling up.
        var runs = Timed(Read, seconds => bytes / 1e6 / seconds,
            before: () => GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true));
        Emit("W8", $"rows={rows},cols={cols},threads={threads}", "mb_per_s", runs,
            new()
            {
                ["bytes"] = bytes, ["mb_per_cpu_s"] = Round(bytes / 1e6 / Median(cpuSeconds)),
                ["rss_before_read_mb"] = Math.Round(rssBefore, 1),
            });
    }

    // ---- Data -------------------------------------------------------------------------------

    private static Dataset FashionMnist(bool test)
    {
        string set = test ? "t10k" : "train";
        return DataSource.LoadIdx(Path.Combine(MnistDir, $"{set}-images-idx3-ubyte.gz"), Path.Combine(MnistDir, $"{set}-labels-idx1-ubyte.gz"));
    }

    /// <summary>The 60,000 training images in one seeded order, made once before timing.</summary>
    private static TrainingData<float> ShuffledFashionMnist()
    {
        var train = TrainingData<float>.From(FashionMnist(test: false));
        var order = Enumerable.Range(0, train.Count).ToArray();
        new Random(0).Shuffle(order);
        return train.Rows(order);
    }

    private static TrainingData<float> First(TrainingData<float> data, int count) =>
        count >= data.Count ? data : data.Rows(Enumerable.Range(0, count).ToArray());

    // ---- Timing and output ------------------------------------------------------------------

    /// <summary>
    /// Runs <paramref name="action"/> 3 times (once with --quick), returns value(seconds) of each,
    /// records cpu_share. <paramref name="before"/>, when given, runs before each run, untimed.
    /// </summary>
    private static List<double> Timed(Action action, Func<double, double> value, int? repeats = null, Action? before = null)
    {
        int n = repeats ?? (quick ? 1 : 3);
        cpuShares.Clear();
        cpuSeconds.Clear();
        var values = new List<double>();
        for (int r = 0; r < n; r++)
        {
            before?.Invoke();
            double cpuStart = GemmQuick.CpuSeconds();
            var watch = Stopwatch.StartNew();
            action();
            double wall = watch.Elapsed.TotalSeconds;
            double cpu = GemmQuick.CpuSeconds() - cpuStart;
            cpuShares.Add(cpu / (wall * threads));
            cpuSeconds.Add(cpu);
            values.Add(value(wall));
        }
        return values;
    }

    private static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static double Round(double v) => Math.Round(v, v >= 100 ? 1 : 6);

    private static void Emit(string workload, string config, string metric, List<double> runs, Dictionary<string, object>? extra = null)
    {
        var record = new Dictionary<string, object>
        {
            ["peer"] = "downhill",
            ["workload"] = workload,
            ["config"] = config,
            ["metric"] = metric,
            ["value"] = Median(runs),
            ["runs"] = runs,
            ["blas"] = "none",
            ["rss_mb"] = Math.Round(Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0, 1),
            ["version"] = Version,
        };
        if (cpuShares.Count > 0 && metric != "coef_max_abs_err") record["cpu_share"] = Math.Round(Median(cpuShares), 3);
        if (extra is not null) record["extra"] = extra;
        Console.Out.WriteLine(JsonSerializer.Serialize(record));
        Console.Out.Flush();
    }
}

// TorchSharp peer: W1-W7 through TorchSharp (libtorch) on the CPU, one JSON line per measurement,
// in the format of bench/README.peers.md. Same workloads and config strings as bench/peers/workloads.py.
using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

var options = Options.Parse(args);
torch.set_num_threads(options.Threads);
torch.set_num_interop_threads(1);
var bench = new Bench(options);
bench.RunAll();

sealed record Options(string Workload, int Threads, int? Batch, int Repeats, bool Quick)
{
    public static Options Parse(string[] args)
    {
        string workload = "all";
        int threads = 1, repeats = 3;
        int? batch = null;
        bool quick = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--workload": workload = args[++i]; break;
                case "--threads": threads = int.Parse(args[++i]); break;
                case "--batch": batch = int.Parse(args[++i]); break;
                case "--repeats": repeats = int.Parse(args[++i]); break;
                case "--quick": quick = true; repeats = 1; break;
                default:
                    Console.Error.WriteLine($"unknown option \"{args[i]}\" (use --workload W1..W7|all, --threads N, --batch N, --repeats N, --quick)");
                    Environment.Exit(2);
                    break;
            }
        }
        return new Options(workload, threads, batch, repeats, quick);
    }

    public bool Wants(string workload, int? batch = null) =>
        (Workload == "all" || Workload == workload) && (Batch is null || batch is null || Batch == batch);

    public int SamplesPerEpoch => Quick ? 6_000 : 60_000;
}

sealed class Bench(Options options)
{
    const string Peer = "torchsharp";
    // libtorch's official CPU build links oneMKL statically; it does not use the system BLAS.
    const string Blas = "mkl (static in libtorch)";
    static readonly string Version = $"TorchSharp {typeof(torch).Assembly.GetName().Version} / libtorch {torch.__version__}";
    readonly List<double> cpuShares = [];

    public void RunAll()
    {
        bool needsImages = new[] { "W1", "W2", "W3", "W4" }.Any(w => options.Wants(w));
        FashionMnist? data = needsImages ? FashionMnist.Load() : null;
        foreach (int batch in new[] { 1, 32 })
            if (options.Wants("W1", batch))
                Throughput("W1", () => Mlp([784, 16, 16, 10], () => nn.Sigmoid()), p => optim.SGD(p, 0.1), batch, data!);
        foreach (int batch in new[] { 32, 128 })
            if (options.Wants("W2", batch))
                Throughput("W2", () => Mlp([784, 128, 10], () => nn.ReLU()), p => optim.SGD(p, 0.1), batch, data!);
        if (options.Wants("W3", 128))
            Throughput("W3", () => Mlp([784, 256, 128, 10], () => nn.ReLU()), p => optim.Adam(p, 0.001), 128, data!);
        if (options.Wants("W4")) Accuracy(data!);
        if (options.Wants("W5")) LinearRegression();
        if (options.Wants("W6")) LineFit();
        if (options.Wants("W7")) Gemm();
        // W8: TorchSharp has no CSV reader; nothing to report.
    }

    static nn.Module<Tensor, Tensor> Mlp(int[] sizes, Func<nn.Module<Tensor, Tensor>> activation)
    {
        var layers = new List<nn.Module<Tensor, Tensor>>();
        for (int i = 0; i < sizes.Length - 1; i++)
        {
            layers.Add(nn.Linear(sizes[i], sizes[i + 1]));
            if (i < sizes.Length - 2) layers.Add(activation());
        }
        return nn.Sequential(layers);
    }

    /// <summary>One pass over the first <paramref name="count"/> samples in order (shuffled once beforehand).</summary>
    static void Train(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, Tensor x, Tensor y, int batch, int count)
    {
        for (int start = 0; start < count; start += batch)
        {
            // NOTE: without a dispose scope per step, every temporary waits for the GC finalizer.
            using var scope = NewDisposeScope();
            int size = Math.Min(batch, count - start);
            optimizer.zero_grad();
            var loss = F.cross_entropy(model.forward(x.narrow(0, start, size)), y.narrow(0, start, size));
            loss.backward();
            optimizer.step();
        }
    }

    void Throughput(string workload, Func<nn.Module<Tensor, Tensor>> makeModel,
                    Func<IEnumerable<TorchSharp.Modules.Parameter>, optim.Optimizer> makeOptimizer, int batch, FashionMnist data)
    {
        torch.manual_seed(0);
        var model = makeModel();
        var optimizer = makeOptimizer(model.parameters());
        int count = options.SamplesPerEpoch;
        Train(model, optimizer, data.TrainX, data.TrainY, batch, Math.Max(2_000, 20 * batch)); // warm-up
        var runs = Repeat(() => count / Timed(() => Train(model, optimizer, data.TrainX, data.TrainY, batch, count)));
        Emit(workload, $"batch={batch},threads={options.Threads}", "samples_per_s", runs, new() { ["samples"] = count });
    }

    void Accuracy(FashionMnist data)
    {
        var (seeds, epochs) = options.Quick ? (new[] { 0 }, 1) : (new[] { 0, 1, 2, 3, 4 }, 5);
        foreach (string scale in new[] { "pixels", "standard" })
        {
            using var scaleScope = NewDisposeScope();
            var (trainX, testX) = (data.TrainX, data.TestX);
            if (scale == "standard")
            {
                // Each pixel minus the training mean over the training standard deviation; constant pixels become 0.
                var mean = trainX.mean([0L]);
                var std = trainX.std(0L, unbiased: false);
                std = torch.where(std.eq(0), torch.ones_like(std), std);
                (trainX, testX) = ((trainX - mean) / std, (testX - mean) / std);
            }
            var results = new List<double>();
            foreach (int seed in seeds)
            {
                torch.manual_seed(seed);
                var model = Mlp([784, 128, 10], () => nn.ReLU());
                var optimizer = optim.SGD(model.parameters(), 0.1);
                for (int epoch = 0; epoch < epochs; epoch++)
                {
                    using var order = torch.tensor(Permutation(60_000, 1000 * seed + epoch));
                    using var x = trainX.index_select(0, order);
                    using var y = data.TrainY.index_select(0, order);
                    Train(model, optimizer, x, y, 32, 60_000);
                }
                using (torch.no_grad())
                using (var scope = NewDisposeScope())
                    results.Add(model.forward(testX).argmax(1).eq(data.TestY).to_type(ScalarType.Float32).mean().item<float>());
            }
            Emit("W4", $"epochs={epochs},batch=32,lr=0.1,scale={scale}", "test_accuracy", results,
                 new() { ["seeds"] = seeds });
        }
    }

    static long[] Permutation(int n, int seed)
    {
        var random = new Random(seed);
        var order = Enumerable.Range(0, n).Select(i => (long)i).ToArray();
        random.Shuffle(order);
        return order;
    }

    void LinearRegression()
    {
        var (xData, yData, meta) = LinReg.Load();
        using var x = torch.tensor(xData, [meta.Rows, meta.Features]);
        using var y = torch.tensor(yData, [meta.Rows, 1]);

        Tensor ClosedForm()
        {
            using var scope = NewDisposeScope();
            var augmented = torch.cat([x, torch.ones(meta.Rows, 1)], 1);
            return torch.linalg.lstsq(augmented, y).Solution.MoveToOuterDisposeScope();
        }

        ClosedForm().Dispose(); // warm-up
        Tensor? solution = null;
        var runs = Repeat(() => Timed(() => { solution?.Dispose(); solution = ClosedForm(); }));
        string config = $"closed_form,threads={options.Threads}";
        Emit("W5", config, "seconds", runs, new() { ["method"] = "torch.linalg.lstsq (gelsy)" });
        var coefficients = solution!.data<float>().ToArray();
        Emit("W5", config, "coef_max_abs_err", [meta.MaxAbsError(coefficients[..^1], coefficients[^1])]);

        // The (batch, learning rate) pairs of W5_SGD_RUNS in bench/peers/workloads.py.
        var model = nn.Linear(meta.Features, 1);
        foreach (var (batch, rate) in new[] { (32, 0.01), (128, 0.02) })
        {
            void SgdEpoch()
            {
                using (torch.no_grad())
                {
                    model.weight!.zero_();
                    model.bias!.zero_();
                }
                var optimizer = optim.SGD(model.parameters(), rate);
                for (int start = 0; start < meta.Rows; start += batch)
                {
                    using var scope = NewDisposeScope();
                    int size = Math.Min(batch, meta.Rows - start);
                    optimizer.zero_grad();
                    F.mse_loss(model.forward(x.narrow(0, start, size)), y.narrow(0, start, size)).backward();
                    optimizer.step();
                }
            }
            runs = Repeat(() => Timed(SgdEpoch));
            config = $"sgd,epochs=1,batch={batch},lr={rate},threads={options.Threads}";
            Emit("W5", config, "seconds", runs);
            Emit("W5", config, "coef_max_abs_err",
                 [meta.MaxAbsError(model.weight!.data<float>().ToArray(), model.bias!.item<float>())]);
        }
    }

    void LineFit()
    {
        const int steps = 10_000;
        var xs = Enumerable.Range(0, 20).Select(i => (float)i).ToArray();
        using var x = torch.tensor(xs);
        using var y = torch.tensor(xs.Select(v => 2f * v + 30f).ToArray());
        using var m = nn.Parameter(torch.tensor(1f));
        using var b = nn.Parameter(torch.tensor(1f));

        void Fit(int count)
        {
            using (torch.no_grad()) { m.fill_(1f); b.fill_(1f); }
            var optimizer = optim.SGD([m, b], 0.005);
            for (int i = 0; i < count; i++)
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                (m * x + b - y).pow(2).mean().backward();
                optimizer.step();
            }
        }

        Fit(500); // warm-up
        var runs = Repeat(() => steps / Timed(() => Fit(steps)));
        Emit("W6", $"steps={steps},lr=0.005,threads={options.Threads}", "steps_per_s", runs,
             new() { ["m"] = m.item<float>(), ["b"] = b.item<float>() });
    }

    void Gemm()
    {
        int[][] shapes = [[128, 128, 128], [256, 256, 256], [512, 512, 512], [1024, 1024, 1024], [32, 784, 128], [128, 784, 128]];
        foreach (var s in shapes)
        {
            int m = s[0], k = s[1], n = s[2];
            using var a = torch.rand(m, k);
            using var b = torch.rand(k, n);
            double flops = 2.0 * m * k * n;
            int calls = Math.Max(1, (int)(2e10 / flops)); // about 0.3 s of work per timed run at 60 GFLOP/s
            void Run()
            {
                for (int i = 0; i < calls; i++) torch.mm(a, b).Dispose();
            }
            Run();
            var runs = Repeat(() => calls * flops / Timed(Run) / 1e9, Math.Max(options.Repeats, 5));
            Emit("W7", $"m={m},k={k},n={n},threads={options.Threads}", "gflops", runs);
        }
    }

    List<double> Repeat(Func<double> measure, int? times = null)
    {
        cpuShares.Clear();
        return Enumerable.Range(0, times ?? options.Repeats).Select(_ => measure()).ToList();
    }

    /// <summary>Wall seconds of one call; also records CPU time / (wall x threads), a load indicator.</summary>
    double Timed(Action action)
    {
        var process = Process.GetCurrentProcess();
        var cpuStart = process.TotalProcessorTime;
        long start = Stopwatch.GetTimestamp();
        action();
        double wall = Stopwatch.GetElapsedTime(start).TotalSeconds;
        process.Refresh();
        cpuShares.Add((process.TotalProcessorTime - cpuStart).TotalSeconds / (wall * options.Threads));
        return wall;
    }

    static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    void Emit(string workload, string config, string metric, List<double> runs, Dictionary<string, object>? extra = null)
    {
        var record = new Dictionary<string, object>
        {
            ["peer"] = Peer,
            ["workload"] = workload,
            ["config"] = config,
            ["metric"] = metric,
            ["value"] = Median(runs),
            ["runs"] = runs,
            ["blas"] = Blas,
            ["rss_mb"] = Math.Round(Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0, 1),
            ["version"] = Version,
        };
        if (cpuShares.Count > 0) record["cpu_share"] = Math.Round(Median(cpuShares), 3);
        if (extra is not null) record["extra"] = extra;
        Console.WriteLine(JsonSerializer.Serialize(record));
    }
}

sealed record FashionMnist(Tensor TrainX, Tensor TrainY, Tensor TestX, Tensor TestY)
{
    static readonly string Folder = Environment.GetEnvironmentVariable("FASHION_MNIST_DIR") ?? "/usr/share/datasets/fashion-mnist";

    /// <summary>The training set comes back shuffled once (seed 0), so timed loops only slice it.</summary>
    public static FashionMnist Load()
    {
        var (trainX, trainY) = (Images("train-images-idx3-ubyte"), Labels("train-labels-idx1-ubyte"));
        var order = Enumerable.Range(0, trainY.Length).ToArray();
        new Random(0).Shuffle(order);
        var shuffledX = new float[trainX.Length];
        var shuffledY = new long[trainY.Length];
        for (int i = 0; i < order.Length; i++)
        {
            Array.Copy(trainX, order[i] * 784L, shuffledX, i * 784L, 784);
            shuffledY[i] = trainY[order[i]];
        }
        var (testX, testY) = (Images("t10k-images-idx3-ubyte"), Labels("t10k-labels-idx1-ubyte"));
        return new FashionMnist(
            torch.tensor(shuffledX, [shuffledY.Length, 784]), torch.tensor(shuffledY),
            torch.tensor(testX, [testY.Length, 784]), torch.tensor(testY));
    }

    static float[] Images(string name) => ReadIdx(name).Select(p => p / 255f).ToArray();
    static long[] Labels(string name) => ReadIdx(name).Select(l => (long)l).ToArray();

    /// <summary>An unsigned-byte IDX file (gzipped or not): big-endian header, then the raw bytes.</summary>
    static byte[] ReadIdx(string name)
    {
        string path = Path.Combine(Folder, name + ".gz");
        using Stream file = File.Exists(path) ? new GZipStream(File.OpenRead(path), CompressionMode.Decompress) : File.OpenRead(Path.Combine(Folder, name));
        using var memory = new MemoryStream();
        file.CopyTo(memory);
        var raw = memory.ToArray();
        int dims = raw[3];
        return raw[(4 + 4 * dims)..];
    }
}

sealed record LinReg(int Rows, int Features, double[] Reference)
{
    static readonly string Folder = Environment.GetEnvironmentVariable("DOWNHILL_BENCH_DATA") ?? "/tmp/downhill-bench-data";

    public static (float[] X, float[] Y, LinReg Meta) Load()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "linreg.json")));
        var root = json.RootElement;
        var reference = root.GetProperty("lstsq_weights").EnumerateArray().Select(e => e.GetDouble())
            .Append(root.GetProperty("lstsq_bias").GetDouble()).ToArray();
        var meta = new LinReg(root.GetProperty("rows").GetInt32(), root.GetProperty("features").GetInt32(), reference);
        // The files are little-endian float32, as is every machine this runs on.
        var x = new float[meta.Rows * meta.Features];
        var y = new float[meta.Rows];
        File.ReadAllBytes(Path.Combine(Folder, "linreg_x.f32")).AsSpan().CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(x.AsSpan()));
        File.ReadAllBytes(Path.Combine(Folder, "linreg_y.f32")).AsSpan().CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(y.AsSpan()));
        return (x, y, meta);
    }

    public double MaxAbsError(float[] weights, float bias) =>
        weights.Select(w => (double)w).Append(bias).Zip(Reference, (a, b) => Math.Abs(a - b)).Max();
}

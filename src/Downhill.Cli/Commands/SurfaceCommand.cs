using Spectre.Console;

namespace Downhill.Cli.Commands;

/// <summary><c>downhill surface line --model "y = m*x + b" --grid m=1:8:1 --grid b=0:30:3 --loss rmse</c>: the error landscape.</summary>
internal static class SurfaceCommand
{
    public static Command Create()
    {
        var shared = new FitSettingsReader("adam");
        var grid = new Option<string[]>("--grid") { Description = "A parameter axis NAME=START:STOP:STEP (stop included) or NAME=START:STOP/N; give two (rows, then columns). Elements of matrices as weight[0,0]." };
        var at = new Option<string?>("--at") { Description = "Values for the other parameters, e.g. c=1.5 (default: their start values, or --from)." };
        var from = new Option<string?>("--from") { Description = "A model file whose parameter values hold everything the grid does not move." };
        var directions = new Option<string?>("--directions") { Description = "random: draw along two random filter-normalized directions around the weights (for networks, Li et al. 2018)." };
        var points = new Option<int>("--points") { Description = "Points per axis for --directions random.", DefaultValueFactory = _ => 21 };
        var range = new Option<double>("--range") { Description = "Distance along each direction for --directions random.", DefaultValueFactory = _ => 1.0 };
        var output = new Option<string?>("--out") { Description = "Write the grid as long-format CSV: <first>,<second>,loss." };
        var plot = new Option<string?>("--plot") { Description = "Draw a heat map with contours and the minimum (.png or .svg)." };
        var path = new Option<string?>("--path") { Description = "Overlay a parameter path from 'fit --trace' or 'minimize --trace' (the ball's route downhill)." };
        var json = new Option<bool>("--json")
        {
            Description = "Print one JSON object and nothing else on stdout: loss_name, first and second (each: name, values), " +
                "loss (rows: the first parameter's values, columns: the second's; null where the loss is not finite), " +
                "minimum (first, second: the parameter values there; loss).",
        };
        var size = new Option<string>("--size") { Description = "Picture size WIDTHxHEIGHT.", DefaultValueFactory = _ => "800x600" };
        var command = new Command("surface", "Evaluate the loss over a grid of two parameters: the landscape gradient descent walks on.\n" +
            "Example: downhill surface line --target y --model \"y = m*x + b\" --grid m=1:8:1 --grid b=0:30:3 --loss rmse --out grid.csv --plot surface.png");
        shared.AddTo(command, optimizer: false, training: false);
        foreach (var o in new Option[] { grid, at, from, directions, points, range, output, plot, path, size, json }) command.Add(o);
        command.SetAction(r =>
        {
            Cli.CheckOutputPath(r.GetValue(output), "--out");
            Cli.CheckOutputPath(r.GetValue(plot), "--plot");
            var imageSize = ImageSize.Parse(r.GetValue(size)!);
            if (r.GetValue(plot) is { } p) ImageFile.FormatOf(p);
            var settings = shared.Read(r, optimizer: false, training: false) with { Precision = Precision.Float64 };
            var data = shared.LoadData(r);
            var prepared = Fitting.Prepare<double>(data, settings);
            var model = prepared.Model;
            if (r.GetValue(from) is { } fromPath) LoadParameters(model, ModelFile.Load(fromPath), fromPath);
            foreach (var (name, value) in Parse.NameValues(r.GetValue(at), "--at"))
            {
                var (tensor, element) = ParameterElement.Resolve(model, name, "--at");
                if (element is int e) tensor.Data[e] = value;
                else tensor.Data.Fill(value);
            }

            Surface surface;
            string? mode = r.GetValue(directions);
            if (mode is not null)
            {
                if (mode != "random") throw new UsageException($"--directions '{mode}' is unknown; use random.");
                surface = LossSurface.RandomDirections(model, prepared.Train, prepared.Loss, r.GetValue(points), r.GetValue(range), settings.Training.Seed);
            }
            else
            {
                var axes = (r.GetValue(grid) ?? []).Select(GridAxis.Parse).ToArray();
                if (axes.Length != 2)
                    throw new UsageException($"give exactly two --grid axes (got {axes.Length}), e.g. --grid m=1:8:1 --grid b=0:30:3; or --directions random for networks.");
                surface = LossSurface.OverParameters(model, prepared.Train, prepared.Loss, axes[0], axes[1]);
            }

            bool isJson = r.GetValue(json);
            // With --json, stdout holds the JSON object alone.
            var info = isJson ? Console.Error : Console.Out;
            if (isJson) Console.WriteLine(Json(surface, Nn.Losses.Name(prepared.Loss)));
            else PrintTable(surface, prepared.Loss.ToString().ToLowerInvariant());
            var (mi, mj) = surface.Minimum;
            info.WriteLine($"lowest {Nn.Losses.Name(prepared.Loss)} {F(surface.Loss[mi, mj])} at {surface.First.Name} = {F(surface.First.Values[mi])}, {surface.Second.Name} = {F(surface.Second.Values[mj])}");
            if (r.GetValue(output) is { } csv) WriteCsv(csv, surface);
            if (r.GetValue(plot) is { } plotPath)
            {
                var descent = r.GetValue(path) is { } tracePath ? ReadPath(tracePath, surface.First.Name, surface.Second.Name) : null;
                var lossGrid = new LossGrid(surface.First.Name, surface.First.Values, surface.Second.Name, surface.Second.Values, surface.Loss);
                Draw.LossSurface(lossGrid, new LossSurfaceOptions
                {
                    Title = $"{Nn.Losses.Name(prepared.Loss)} over {surface.First.Name} and {surface.Second.Name}",
                    LossName = Nn.Losses.Name(prepared.Loss),
                    Path = descent,
                }).Save(plotPath, imageSize);
                info.WriteLine($"picture written to {plotPath}");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    internal static void LoadParameters(Model<double> model, ModelFile file, string path)
    {
        foreach (var stored in file.Parameters)
        {
            var p = model.Parameters.FirstOrDefault(x => x.Name == stored.Name)
                ?? throw new UsageException($"--from {path}: parameter '{stored.Name}' is not in this model ({string.Join(", ", model.Parameters.Select(x => x.Name))}); use the same --model.");
            if (p.Size != stored.Values.Length)
                throw new UsageException($"--from {path}: parameter '{stored.Name}' has {stored.Values.Length} values but the model's has {p.Size}.");
            stored.Values.CopyTo(p.Data);
        }
    }

    private static void PrintTable(Surface s, string loss)
    {
        if (s.Second.Values.Length > 16 || s.First.Values.Length > 60)
        {
            Console.WriteLine($"{s.First.Values.Length} x {s.Second.Values.Length} grid (too large to print; use --out for the values).");
            return;
        }
        // Element names such as weight[0,0] would read as Spectre markup.
        var table = new Table().AddColumn(Markup.Escape($"{s.First.Name} \\ {s.Second.Name}"));
        foreach (var v in s.Second.Values) table.AddColumn(new TableColumn(F(v)).RightAligned());
        var (mi, mj) = s.Minimum;
        for (int i = 0; i < s.First.Values.Length; i++)
        {
            var cells = new List<string> { F(s.First.Values[i]) };
            for (int j = 0; j < s.Second.Values.Length; j++)
                cells.Add(i == mi && j == mj ? $"[bold green]{F(s.Loss[i, j])}[/]" : F(s.Loss[i, j]));
            table.AddRow(cells.ToArray());
        }
        table.Title = new TableTitle(Markup.Escape($"{loss} over {s.First.Name} (rows) and {s.Second.Name} (columns)"));
        AnsiConsole.Write(table);
    }

    private static string Json(Surface s, string lossName) => JsonOut.Object(w =>
    {
        w.WriteString("loss_name", lossName);
        foreach (var (key, axis) in new[] { ("first", s.First), ("second", s.Second) })
        {
            w.WriteStartObject(key);
            w.WriteString("name", axis.Name);
            JsonOut.Numbers(w, "values", axis.Values);
            w.WriteEndObject();
        }
        w.WriteStartArray("loss");
        for (int i = 0; i < s.First.Values.Length; i++)
        {
            w.WriteStartArray();
            for (int j = 0; j < s.Second.Values.Length; j++) JsonOut.Number(w, null, s.Loss[i, j]);
            w.WriteEndArray();
        }
        w.WriteEndArray();
        var (mi, mj) = s.Minimum;
        w.WriteStartObject("minimum");
        JsonOut.Number(w, "first", s.First.Values[mi]);
        JsonOut.Number(w, "second", s.Second.Values[mj]);
        JsonOut.Number(w, "loss", s.Loss[mi, mj]);
        w.WriteEndObject();
    });

    private static void WriteCsv(string path, Surface s)
    {
        var sb = new StringBuilder($"{s.First.Name},{s.Second.Name},loss\n");
        for (int i = 0; i < s.First.Values.Length; i++)
            for (int j = 0; j < s.Second.Values.Length; j++)
                sb.Append(R(s.First.Values[i])).Append(',').Append(R(s.Second.Values[j])).Append(',').Append(R(s.Loss[i, j])).Append('\n');
        AtomicFile.WriteAllText(path, sb.ToString());
    }

    /// <summary>The two named columns of a trace CSV (header step,loss,names...) as a path.</summary>
    internal static DescentPath ReadPath(string path, string first, string second)
    {
        if (!File.Exists(path)) throw new UsageException($"--path {path} does not exist; write one with 'fit --trace' or 'minimize --trace'.");
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        if (lines.Length < 2) throw new UsageException($"--path {path} has no rows after its header.");
        var header = SplitHeader(lines[0]);
        int a = Array.IndexOf(header, first), b = Array.IndexOf(header, second);
        if (a < 0 || b < 0)
            throw new UsageException($"--path {path}: needs columns '{first}' and '{second}' (the grid's parameters); it has {string.Join(", ", header)}.");
        var xs = new List<double>();
        var ys = new List<double>();
        for (int i = 1; i < lines.Length; i++)
        {
            var f = lines[i].Split(',');
            xs.Add(Parse.Number(f[a], $"--path {path} line {i + 1}"));
            ys.Add(Parse.Number(f[b], $"--path {path} line {i + 1}"));
        }
        return new DescentPath("descent", xs.ToArray(), ys.ToArray());
    }

    /// <summary>Header fields, with the quotes 'fit --trace' puts around element names such as "weight[0,1]" removed.</summary>
    private static string[] SplitHeader(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        foreach (char c in line)
        {
            if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
        }
        fields.Add(field.ToString());
        return fields.ToArray();
    }

    private static string F(double v) => v.ToString("G5", CultureInfo.InvariantCulture);
    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}

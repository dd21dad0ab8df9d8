using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Downhill.Nist;

/// <summary>The results as Markdown: a summary per method and start, then one table per method.</summary>
internal static class Report
{
    public static string Markdown(IReadOnlyList<NistProblem> problems, IReadOnlyList<FitRun> runs)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# NIST StRD nonlinear regression: certified digits reached");
        sb.AppendLine();
        sb.AppendLine($"Written by `bench/nist` (see bench/nist/README.md) on {DateTime.UtcNow:yyyy-MM-dd}: {Cpu()}, " +
            $"{Environment.ProcessorCount} logical cores, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}. " +
            "Every fit goes through `Fitting.Fit`, the library call behind `downhill fit`, with the model typed as a formula.");
        sb.AppendLine();
        sb.AppendLine("Digits are the log relative error LRE = -log10(|estimate - certified| / |certified|), capped at 11 " +
            "(the certified values have 11 significant digits) and 0 when wrong in the first digit. " +
            "The parameter and standard-error columns give the worst parameter. Standard errors and RSS are computed " +
            "after every fit from the Jacobian at the final parameters, so they are only meaningful where the parameters are. " +
            "Times are per fit in one process, the first fit including JIT compilation: wall-clock in the tables, and in the summary " +
            "also the process's CPU time, which other work on a shared machine does not inflate.");
        sb.AppendLine();

        sb.AppendLine("## Summary");
        sb.AppendLine();
        sb.AppendLine("| method | start | parameters >= 6 digits | parameters >= 4 digits | standard errors >= 3 digits where parameters >= 6 | RSS >= 6 digits | total wall time | total CPU time |");
        sb.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var method in Methods.All)
            foreach (int start in new[] { 1, 2 })
            {
                var set = runs.Where(r => r.Method == method && r.Start == start).ToArray();
                if (set.Length == 0) continue;
                var good = set.Where(r => r.ParameterDigits >= 6).ToArray();
                sb.AppendLine($"| {method.Name} | {start} | {good.Length}/{set.Length} | {set.Count(r => r.ParameterDigits >= 4)}/{set.Length} | " +
                    $"{good.Count(r => r.StandardErrorDigits >= 3)}/{good.Length} | {set.Count(r => r.RssDigits >= 6)}/{set.Length} | " +
                    $"{Seconds(set.Sum(r => r.Seconds))} | {Seconds(set.Sum(r => r.CpuSeconds))} |");
            }
        var lm = runs.Where(r => r.Method == Methods.Lm).ToArray();
        if (lm.Length > 0)
        {
            sb.AppendLine();
            sb.AppendLine($"All {lm.Length} lm fits took {Seconds(lm.Sum(r => r.Seconds))} of wall-clock time and {Seconds(lm.Sum(r => r.CpuSeconds))} of CPU time together; " +
                $"without the first fit, which pays for JIT compilation, {Seconds(lm.Skip(1).Sum(r => r.Seconds))} and {Seconds(lm.Skip(1).Sum(r => r.CpuSeconds))}.");
        }
        sb.AppendLine();
        sb.AppendLine("Lanczos1 is generated data that the model fits to the last digit: its certified RSS (1.4e-25) is the rounding " +
            "noise of 13-digit data, so a double-precision fit can only match it, and the standard errors derived from it, to about 3 digits " +
            "although its parameters reach 10.");
        sb.AppendLine();
        sb.AppendLine("For comparison, NIST's own guidance treats about 4 to 6 correct digits as a successful fit; " +
            "MINPACK's lmder fails MGH10 from start 1, and SciPy's L-BFGS-B (published comparisons) reaches 4 digits on 7 problems from start 1 and 10 from start 2.");
        sb.AppendLine();

        foreach (var method in Methods.All)
        {
            var set = runs.Where(r => r.Method == method).ToArray();
            if (set.Length == 0) continue;
            sb.AppendLine($"## {method.Name}");
            sb.AppendLine();
            sb.AppendLine(method.Settings + ".");
            sb.AppendLine();
            sb.AppendLine($"| problem | difficulty | start | parameters | standard errors | RSS | {method.StepName} | ms | stopped |");
            sb.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
            foreach (var problem in problems)
                foreach (var r in set.Where(r => r.Problem == problem))
                    sb.AppendLine($"| {problem.Name} | {problem.Level} | {r.Start} | {Format.Digits(r.ParameterDigits)} | {Format.Digits(r.StandardErrorDigits)} | " +
                        $"{Format.Digits(r.RssDigits)} | {r.Steps} | {Format.Ms(r.Seconds)} | {r.Stopped.Replace("|", "/")} |");
            sb.AppendLine();
        }
        return sb.ToString();
    }

    private static string Seconds(double s) => s.ToString("F3", CultureInfo.InvariantCulture) + " s";

    private static string Cpu()
    {
        const string cpuinfo = "/proc/cpuinfo";
        if (!File.Exists(cpuinfo)) return RuntimeInformation.ProcessArchitecture.ToString();
        var line = File.ReadLines(cpuinfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':') + 1)..].Trim();
    }
}

using Downhill.Distributed;
using Spectre.Console;

namespace Downhill.Cli;

/// <summary>
/// <c>mpirun -np N downhill fit ...</c>: every rank runs the same command; rank 0 alone prints and
/// writes files, the others train silently. An error one rank cannot recover from (its data does
/// not load, a setting is wrong) is printed once, naming the rank, and ends every rank (MPI_Abort).
/// Without mpirun nothing here loads MPI.
/// </summary>
internal static class Ranks
{
    /// <summary>How long a rank other than 0 waits before reporting an error: long enough for rank 0, which usually fails the same way, to report it once and end the job.</summary>
    private static readonly TimeSpan OthersWait = TimeSpan.FromSeconds(3);

    /// <summary>True in a process mpirun started as a rank other than 0 (read before MPI starts, from Open MPI's environment).</summary>
    public static bool IsOtherRank => MpiReducer.Launched && Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_RANK") != "0";

    /// <summary>Set when mpirun asked this rank to end (SIGTERM, as it passes Ctrl-C on); the command stops after the current batch.</summary>
    public static volatile bool Terminated;

    /// <summary>Runs <paramref name="command"/> with the job's reducer (null without mpirun).</summary>
    public static int Run(Func<MpiReducer?, int> command)
    {
        var mpi = MpiReducer.FromLaunch();
        if (mpi is null) return command(null);
        var stderr = Console.Error;
        if (mpi.Rank > 0)
        {
            Console.SetOut(TextWriter.Null);
            Console.SetError(TextWriter.Null);
            AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) });
        }
        int code;
        try { code = command(mpi); }
        catch (Exception e) when (Cli.ErrorLines(e, $"rank {mpi.Rank} of {mpi.Size}: ") is { } lines)
        {
            if (mpi.Rank > 0) Thread.Sleep(OthersWait);
            foreach (var line in lines) stderr.WriteLine(line);
            stderr.Flush();
            mpi.Abort(ExitCodes.BadInput);
            return ExitCodes.BadInput;
        }
        // Every rank ends together: none finalizes while rank 0 is still writing.
        mpi.Barrier();
        // NOTE: once mpirun has sent SIGTERM it is tearing the job down, and MPI_Finalize waits on it
        // until its SIGKILL; the ranks have nothing left to say to each other, so they just end.
        if (!Terminated) mpi.Dispose();
        return code;
    }
}

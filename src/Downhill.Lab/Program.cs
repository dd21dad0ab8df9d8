// 'dotnet run --project src/Downhill.Lab' starts the lab on its own; users start it with 'downhill lab'.
var app = await Downhill.Lab.LabServer.StartAsync("127.0.0.1", 0);
Console.WriteLine($"Downhill lab: {Downhill.Lab.LabServer.Url(app)}  (Ctrl+C stops it)");
await app.WaitForShutdownAsync();

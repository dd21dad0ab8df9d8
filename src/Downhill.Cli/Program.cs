Console.Error.WriteLine("usage: downhill <command>"); return 1;

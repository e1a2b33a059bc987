using BenchmarkDotNet.Running;
using Obs.Benchmarks.SymbolFiles;

// `generate-sym` writes the synthetic large .sym the parser benchmarks read:
//   dotnet run -c Release --project benchmarks/Obs.Benchmarks -- generate-sym --size full --seed 1 --out /tmp/obs-big.sym
if (args.Length > 0 && args[0] == GenerateSymCommand.Name)
{
    return GenerateSymCommand.Run(args.AsSpan(1), Console.Out, Console.Error);
}

// Every suite in this assembly; pick with --filter, e.g.
//   dotnet run -c Release --project benchmarks/Obs.Benchmarks -- --filter '*SymbolFile*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;

using BenchmarkDotNet.Running;

// Every suite in this assembly; pick with --filter, e.g.
//   dotnet run -c Release --project benchmarks/Obs.Benchmarks -- --filter '*SymbolFile*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

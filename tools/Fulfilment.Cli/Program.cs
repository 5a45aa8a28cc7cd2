using Fulfilment.Cli;

return await FulfilCommandLine.RunAsync(args, Console.Out, Console.Error, interactive: !Console.IsErrorRedirected);

using Fulfilment;

await FulfilmentApp.Build(args).RunAsync();

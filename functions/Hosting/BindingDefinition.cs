namespace Fulfilment.Hosting;

/// <summary>One binding from a function.json file.</summary>
internal sealed record BindingDefinition(
    string Type,
    string Direction,
    string Name,
    string? QueueName = null,
    string? Connection = null,
    string? Route = null,
    string[]? Methods = null,
    string? Schedule = null);

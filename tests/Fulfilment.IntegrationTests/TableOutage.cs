namespace Fulfilment.IntegrationTests;

/// <summary>
/// Answers every request about one table's entities with an exception as a 503 would raise, while it lasts; and every
/// entity-group transaction, whatever its table, unless <paramref name="batches"/> is false.
/// </summary>
internal sealed class TableOutage(string tableName, bool batches = true) : InjectedStorageFault
{
    private volatile bool down;
    private int refused;

    public int Refused => Volatile.Read(ref refused);

    public void Begin() => down = true;

    public void End() => down = false;

    protected override void Inject(Azure.Core.HttpMessage message)
    {
        var path = message.Request.Uri.Path;
        if (down && (path.Contains(tableName + "(", StringComparison.Ordinal) || (batches && path.EndsWith("$batch", StringComparison.Ordinal))))
        {
            Interlocked.Increment(ref refused);
            throw new Azure.RequestFailedException(503, "The server is busy (test outage).");
        }
    }
}

using Azure.Data.Tables;

namespace Fulfilment.Storage;

/// <summary>
/// Group commit for one table: writes to one partition that arrive while that partition's transaction is on its way
/// (or within <paramref name="linger"/>) go together in the next entity-group transaction, up to 100 actions. Each
/// caller learns the outcome of its own writes: if one caller's writes fail (a row already there), that caller gets the
/// failure and the others are written again without it; if storage does not say which writes failed, each caller's
/// writes are sent alone. Writes that touch a row already in the transaction wait for the next one.
/// </summary>
internal sealed class TransactionBatcher(TableClient table, TimeSpan linger = default)
{
    private const int MaxActions = 100;
    private readonly Lock gate = new();
    private readonly Dictionary<string, LinkedList<Pending>> waiting = new();

    /// <summary>Writes these actions (all in <paramref name="partition"/>) in one transaction, shared with other callers.</summary>
    public Task SubmitAsync(string partition, IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        if (actions.Count is 0 or > MaxActions)
        {
            throw new ArgumentException($"A transaction takes 1 to {MaxActions} actions, not {actions.Count}.", nameof(actions));
        }

        var pending = new Pending(actions);
        bool start;
        lock (gate)
        {
            start = !waiting.TryGetValue(partition, out var queue);
            if (start)
            {
                waiting[partition] = queue = new();
            }

            queue!.AddLast(pending);
        }

        if (start)
        {
            _ = Task.Run(() => RunAsync(partition));
        }

        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    private async Task RunAsync(string partition)
    {
        while (true)
        {
            if (linger > TimeSpan.Zero)
            {
                await Task.Delay(linger);
            }

            List<Pending> batch;
            lock (gate)
            {
                var queue = waiting[partition];
                if (queue.Count == 0)
                {
                    waiting.Remove(partition);
                    return;
                }

                batch = Take(queue);
            }

            await CommitAsync(batch);
        }
    }

    /// <summary>Oldest first, while the actions fit and touch no row twice.</summary>
    private static List<Pending> Take(LinkedList<Pending> queue)
    {
        var batch = new List<Pending>();
        var rows = new HashSet<string>();
        var actions = 0;
        while (queue.First is { } next
            && actions + next.Value.Actions.Count <= MaxActions
            && next.Value.Actions.All(a => !rows.Contains(a.Entity.RowKey)))
        {
            queue.RemoveFirst();
            batch.Add(next.Value);
            actions += next.Value.Actions.Count;
            rows.UnionWith(next.Value.Actions.Select(a => a.Entity.RowKey));
        }

        return batch;
    }

    private async Task CommitAsync(List<Pending> batch)
    {
        while (batch.Count > 0)
        {
            try
            {
                await table.SubmitTransactionAsync(batch.SelectMany(p => p.Actions), CancellationToken.None);
                batch.ForEach(p => p.Done.TrySetResult());
                return;
            }
            catch (TableTransactionFailedException e) when (batch.Count > 1)
            {
                if (OwnerOf(batch, e.FailedTransactionActionIndex) is { } failed)
                {
                    failed.Done.TrySetException(e);
                    batch.Remove(failed);
                    continue;
                }

                foreach (var alone in batch)
                {
                    await CommitAsync([alone]);
                }

                return;
            }
            catch (Exception e)
            {
                batch.ForEach(p => p.Done.TrySetException(e));
                return;
            }
        }
    }

    /// <summary>Whose writes hold the action at this index of the transaction.</summary>
    private static Pending? OwnerOf(List<Pending> batch, int? index)
    {
        if (index is not { } at)
        {
            return null;
        }

        foreach (var pending in batch)
        {
            if (at < pending.Actions.Count)
            {
                return pending;
            }

            at -= pending.Actions.Count;
        }

        return null;
    }

    private sealed class Pending(IReadOnlyList<TableTransactionAction> actions)
    {
        public IReadOnlyList<TableTransactionAction> Actions { get; } = actions;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

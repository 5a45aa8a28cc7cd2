using System.Collections.Concurrent;

namespace Fulfilment.Crypto;

internal static class KeyCache
{
    /// <summary>
    /// Caches the fetch of a key, shared by concurrent callers; a failed fetch is forgotten, so a transient
    /// storage or Key Vault error is retried by the next caller instead of being served from the cache forever.
    /// </summary>
    public static async Task<TValue> GetOrAddSucceeding<TKey, TValue>(
        this ConcurrentDictionary<TKey, Task<TValue>> cache, TKey key, Func<TKey, Task<TValue>> fetch, CancellationToken cancellationToken)
        where TKey : notnull
    {
        var task = cache.GetOrAdd(key, fetch);
        try
        {
            return await task.WaitAsync(cancellationToken);
        }
        catch when (task.IsFaulted || task.IsCanceled)
        {
            cache.TryRemove(new KeyValuePair<TKey, Task<TValue>>(key, task));
            throw;
        }
    }
}

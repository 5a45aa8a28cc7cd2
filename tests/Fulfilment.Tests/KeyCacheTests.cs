using System.Collections.Concurrent;
using Fulfilment.Crypto;

namespace Fulfilment.Tests;

public sealed class KeyCacheTests
{
    [Fact]
    public async Task Failed_fetch_is_not_cached_and_a_successful_one_is()
    {
        var cache = new ConcurrentDictionary<string, Task<int>>();
        var calls = 0;
        Task<int> Fetch(string _) => ++calls == 1 ? Task.FromException<int>(new TimeoutException("transient")) : Task.FromResult(42);

        await Assert.ThrowsAsync<TimeoutException>(() => cache.GetOrAddSucceeding("k", Fetch, default));
        Assert.Equal(42, await cache.GetOrAddSucceeding("k", Fetch, default));
        Assert.Equal(42, await cache.GetOrAddSucceeding("k", Fetch, default));
        Assert.Equal(2, calls);
    }
}

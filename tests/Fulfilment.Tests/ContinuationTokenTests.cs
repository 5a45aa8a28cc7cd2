using System.Text;
using Fulfilment.Crypto;
using Fulfilment.RedemptionLog;

namespace Fulfilment.Tests;

public sealed class ContinuationTokenTests
{
    [Fact]
    public async Task A_forged_token_naming_any_key_version_never_makes_a_key_vault_lookup()
    {
        var keks = new CountingKeks();
        var tokens = new ContinuationTokens(keks, TimeProvider.System);
        var payload = Encoding.UTF8.GetBytes("""{"partnerId":"p-1","queryHash":"q","fromTicks":0,"toTicks":0,"day":"2026-11-23","afterRowKey":"a","expiresAt":9999999999,"kekVersion":"attacker-chosen"}""");
        var forged = Convert.ToBase64String(payload).TrimEnd('=').Replace('+', '-').Replace('/', '_') + ".AAAA";

        var (position, problem) = await tokens.ReadAsync(forged, "p-1", "q", default);

        Assert.Null(position);
        Assert.Contains("not issued here", problem, StringComparison.Ordinal);
        Assert.Equal(0, keks.VersionLookups);
    }

    [Fact]
    public async Task A_token_issued_under_the_current_key_reads_back()
    {
        var tokens = new ContinuationTokens(new CountingKeks(), TimeProvider.System);
        var token = await tokens.IssueAsync("p-1", "q", DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow, "2026-11-23", "a|", default);

        var (position, problem) = await tokens.ReadAsync(token, "p-1", "q", default);

        Assert.Null(problem);
        Assert.Equal("a|", position!.AfterRowKey);
    }

    private sealed class CountingKeks : IKeyEncryptionKeys
    {
        private readonly KeyEncryptionKey current = new("v-current", new byte[32]);

        public int VersionLookups;

        public Task<KeyEncryptionKey> GetCurrentAsync(CancellationToken cancellationToken) => Task.FromResult(current);

        public Task<KeyEncryptionKey> RefreshCurrentAsync(CancellationToken cancellationToken) => Task.FromResult(current);

        public Task<KeyEncryptionKey> GetVersionAsync(string version, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref VersionLookups);
            return Task.FromResult(current);
        }
    }
}

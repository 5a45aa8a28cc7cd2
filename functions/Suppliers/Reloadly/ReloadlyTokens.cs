using System.Collections.Concurrent;
using Fulfilment.Serialization;

namespace Fulfilment.Suppliers.Reloadly;

/// <summary>
/// Reloadly access tokens (OAuth2 client credentials), one per supplier, shared by every call of this instance:
/// <list type="bullet">
/// <item>asked for once and kept until shortly before it expires (a tenth of its lifetime, at most 5 minutes);</item>
/// <item>one refresh at a time: callers that need a new token meanwhile wait for that one;</item>
/// <item>a token the API refused is replaced, unless another caller has replaced it already.</item>
/// </list>
/// </summary>
internal sealed class ReloadlyTokens(IHttpClientFactory httpClients, TimeProvider clock, ILogger<ReloadlyTokens> logger)
{
    private static readonly TimeSpan MostEarly = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, Holder> holders = new(StringComparer.Ordinal);

    /// <summary>A token for <paramref name="supplier"/>; a new one if the current one is <paramref name="refused"/>.</summary>
    /// <exception cref="ReloadlyTokenException">No token could be had.</exception>
    public async Task<string> GetAsync(string supplier, SupplierOptions options, string? refused, CancellationToken cancellationToken)
    {
        var holder = holders.GetOrAdd(supplier, _ => new Holder());
        if (Usable(holder.Current, refused) is { } token)
        {
            return token;
        }

        await holder.Gate.WaitAsync(cancellationToken);
        try
        {
            if (Usable(holder.Current, refused) is { } renewed)
            {
                return renewed; // another caller refreshed it while this one waited
            }

            holder.Current = await RequestAsync(supplier, options, cancellationToken);
            return holder.Current.Value;
        }
        finally
        {
            holder.Gate.Release();
        }
    }

    private string? Usable(Token? token, string? refused) =>
        token is not null && token.Value != refused && clock.GetUtcNow() < token.RenewAt ? token.Value : null;

    private async Task<Token> RequestAsync(string supplier, SupplierOptions options, CancellationToken cancellationToken)
    {
        var audience = options.Audience ?? options.BaseUrl!.ToString().TrimEnd('/');
        using var request = new HttpRequestMessage(HttpMethod.Post, "oauth/token")
        {
            Content = JsonContent.Create(new Dictionary<string, string>
            {
                ["client_id"] = options.ClientId,
                ["client_secret"] = options.ClientSecret,
                ["grant_type"] = "client_credentials",
                ["audience"] = audience,
            }),
        };
        var (reply, noAnswer) = await SupplierHttp.SendAsync(httpClients.CreateClient(SupplierDirectory.AuthHttpClientName(supplier)), request, clock, cancellationToken);
        if (noAnswer is not null)
        {
            throw new ReloadlyTokenException($"no token from {supplier}: {noAnswer.Reason}");
        }

        if (!reply!.Status.Equals(System.Net.HttpStatusCode.OK))
        {
            var error = reply.Read<ReloadlyError>();
            throw new ReloadlyTokenException($"{supplier} refused a token ({reply.Code} {error?.ErrorCode}: {error?.Message})");
        }

        var answer = reply.Read<TokenAnswer>();
        if (answer is not { AccessToken.Length: > 0, ExpiresIn: > 0 })
        {
            throw new ReloadlyTokenException($"{supplier} answered a token request without access_token and a positive expires_in");
        }

        var lifetime = TimeSpan.FromSeconds(Math.Min(answer.ExpiresIn.Value, TimeSpan.FromDays(365).TotalSeconds));
        var early = TimeSpan.FromTicks(Math.Min(lifetime.Ticks / 10, MostEarly.Ticks));
        logger.LogInformation("New {Supplier} token for {Audience}, valid {Lifetime}", supplier, audience, lifetime);
        return new Token(answer.AccessToken, clock.GetUtcNow() + lifetime - early);
    }

    private sealed record Token(string Value, DateTimeOffset RenewAt);

    private sealed class Holder
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public Token? Current { get; set; }
    }

    private sealed record TokenAnswer(
        [property: System.Text.Json.Serialization.JsonPropertyName("access_token")] string? AccessToken,
        [property: System.Text.Json.Serialization.JsonPropertyName("expires_in")] double? ExpiresIn);
}

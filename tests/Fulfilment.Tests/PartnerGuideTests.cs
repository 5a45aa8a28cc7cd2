using System.Text;
using Fulfilment.Webhooks;

namespace Fulfilment.Tests;

/// <summary>The worked signature example in docs/partner-guide.md is what the app computes and accepts.</summary>
public sealed class PartnerGuideTests
{
    [Fact]
    public void Worked_webhook_signature_example_is_correct()
    {
        var guide = File.ReadAllLines(Path.Combine(RepositoryRoot(), "docs", "partner-guide.md"));
        string Value(string name) => guide.Single(l => l.StartsWith(name + ":", StringComparison.Ordinal))[(name.Length + 1)..].Trim();
        var (secret, id, timestamp, body, header) = (Value("secret"), Value("webhook-id"), Value("webhook-timestamp"), Value("body"), Value("webhook-signature"));

        Assert.Equal(header, StandardWebhook.SignatureHeaderValue(secret, id, timestamp, Encoding.UTF8.GetBytes(body)));
        var sentAt = DateTimeOffset.FromUnixTimeSeconds(long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(SignatureFailure.None, StandardWebhook.Verify([secret], id, timestamp, header, Encoding.UTF8.GetBytes(body), sentAt, TimeSpan.FromMinutes(5)));
    }

    internal static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Fulfilment.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("No Fulfilment.sln above " + AppContext.BaseDirectory);
    }
}

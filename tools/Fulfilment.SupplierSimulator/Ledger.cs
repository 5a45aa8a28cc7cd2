using System.Collections.Concurrent;

namespace Fulfilment.SupplierSimulator;

public enum CreditStatus
{
    /// <summary>Recorded but not confirmed by the caller: not a credit until it is (DT One's CREATED).</summary>
    Created,
    Pending,
    Succeeded,
    Failed,
}

/// <summary>One request the supplier accepted, by the caller's client reference.</summary>
public sealed record Credit(
    string ClientReference,
    string SupplierReference,
    string ProductCode,
    string Account,
    string Amount,
    string Currency,
    CreditStatus Status,
    string? Reason,
    DateTimeOffset AcceptedAt,
    DateTimeOffset? SettlesAt)
{
    /// <summary>The supplier's own number for it, where its protocol has one.</summary>
    public long TransactionId { get; init; }

    /// <summary>Gift cards bought: their redeem codes (card number/PIN), one per line, which only the buyers may ever see.</summary>
    public string? Code { get; init; }
}

/// <summary>Every credit the supplier made or is making, one per client reference: the truth the tests check against.</summary>
public sealed class Ledger
{
    private readonly ConcurrentDictionary<string, Credit> credits = new();

    /// <summary>Adds a credit unless the reference is known; returns the ledger's entry for the reference.</summary>
    public (Credit Credit, bool Added) Add(Credit credit)
    {
        var added = credits.TryAdd(credit.ClientReference, credit);
        return (Current(credits[credit.ClientReference]), added);
    }

    /// <summary>Changes the entry for a reference as it stands now; null if there is none.</summary>
    public Credit? Update(string clientReference, Func<Credit, Credit> change)
    {
        while (Find(clientReference) is { } current)
        {
            if (credits.TryUpdate(clientReference, change(current), current))
            {
                return Find(clientReference);
            }
        }

        return null;
    }

    public Credit? Find(string clientReference) => credits.TryGetValue(clientReference, out var credit) ? Current(credit) : null;

    /// <summary>Credits as they stand now (a pending credit whose time has come is settled).</summary>
    public IReadOnlyList<Credit> All() => credits.Values.Select(Current).OrderBy(c => c.AcceptedAt).ToList();

    /// <summary>Only the money that actually reached accounts.</summary>
    public IReadOnlyList<Credit> Credited() => All().Where(c => c.Status == CreditStatus.Succeeded).ToList();

    public void Clear() => credits.Clear();

    private Credit Current(Credit credit)
    {
        if (credit.Status != CreditStatus.Pending || credit.SettlesAt > DateTimeOffset.UtcNow)
        {
            return credit;
        }

        var settled = credit with { Status = credit.Reason is null ? CreditStatus.Succeeded : CreditStatus.Failed, SettlesAt = null };
        credits.TryUpdate(credit.ClientReference, settled, credit);
        return credits[credit.ClientReference];
    }
}

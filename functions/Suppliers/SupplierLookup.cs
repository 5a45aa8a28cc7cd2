namespace Fulfilment.Suppliers;

/// <summary>
/// Finding our credit among the transactions a supplier lists, the same way for every protocol: only a transaction
/// under our very reference counts, whatever else the list carries; two of them means ops must look.
/// </summary>
internal static class SupplierLookup
{
    /// <summary>The one transaction under <paramref name="reference"/>, or the outcome that stands for none or several.</summary>
    public static (T? Found, SupplierOutcome? Outcome) Single<T>(IEnumerable<T?> listed, Func<T, string?> referenceOf, string reference, string supplier)
        where T : class
    {
        var ours = listed.OfType<T>().Where(t => referenceOf(t) == reference).Take(2).ToList();
        return ours.Count switch
        {
            0 => (null, new SupplierOutcome(SupplierVerdict.NotFound)),
            1 => (ours[0], null),
            _ => (null, new SupplierOutcome(SupplierVerdict.ReferenceConflict, Reason: $"{supplier} lists more than one transaction under {reference}")),
        };
    }

    /// <summary>
    /// A refusal of a submit we do not recognise (it may be the supplier refusing a reference it already holds), after
    /// looking the reference up: a transaction for this very credit says what happened; one for another credit is a
    /// reference conflict; none leaves the refusal standing but untrusted — unknown, so never a failover.
    /// </summary>
    public static Task<SupplierOutcome> AfterRefusalAsync<T>(
        (T? Found, SupplierOutcome? Outcome) lookup, string refusal, Func<T, bool> isThisCredit, Func<T, Task<SupplierOutcome>> settle, string reference)
        where T : class =>
        AfterRefusalAsync(lookup, refusal, isThisCredit, settle, outcome => outcome, reference);

    /// <summary>The same, for an answer that carries more than its outcome (codes bought): <paramref name="only"/> makes one of a bare outcome.</summary>
    public static async Task<TAnswer> AfterRefusalAsync<T, TAnswer>(
        (T? Found, SupplierOutcome? Outcome) lookup, string refusal, Func<T, bool> isThisCredit, Func<T, Task<TAnswer>> settle,
        Func<SupplierOutcome, TAnswer> only, string reference)
        where T : class
    {
        if (lookup.Found is { } found)
        {
            return isThisCredit(found)
                ? await settle(found)
                : only(new SupplierOutcome(SupplierVerdict.ReferenceConflict, Reason: $"{reference} is held for another credit"));
        }

        return only(lookup.Outcome!.Verdict == SupplierVerdict.NotFound
            ? new SupplierOutcome(SupplierVerdict.Unknown, Reason: $"refused ({refusal}) and not found under our reference")
            : lookup.Outcome);
    }
}

namespace Fulfilment.Orders;

/// <summary>A buyer's target account as ops and logs see it: enough to recognise it, not to reuse it.</summary>
internal static class AccountMask
{
    public static string? Of(string? account) =>
        account is null ? null : account.Length > 4 ? new string('*', account.Length - 4) + account[^4..] : "****";
}

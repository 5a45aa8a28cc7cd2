using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Fulfilment.Risk;

/// <summary>
/// Keyed hashes (HMAC-SHA256 under <see cref="RiskOptions.IdentityHashKey"/>) of a buyer's e-mail and phone and of
/// target accounts: blocklists and orders keep these, never the plain values, and without the key they cannot be
/// reversed by trying every phone number. Values are normalised first, so <c>Ann@Example.com </c> and
/// <c>ann@example.com</c>, or <c>+86 138-0013-8000</c> and <c>+8613800138000</c>, are one buyer.
/// </summary>
internal sealed class IdentityHashes(IOptions<RiskOptions> options)
{
    public const string Prefix = "hmac:";

    private readonly byte[] key = Convert.FromBase64String(options.Value.IdentityHashKey);

    public string Email(string email) => Hash("email", email.Trim().ToLowerInvariant());

    public string Phone(string phone) => Hash("phone", NormalisePhone(phone));

    public string TargetAccount(string account) => Hash("account", account.Trim());

    /// <summary>True for a value this class made (kept as given when a blocklist is saved again).</summary>
    public static bool IsHash(string value) => value.StartsWith(Prefix, StringComparison.Ordinal) && value.Length == Prefix.Length + 43;

    /// <summary>Digits only, with a leading + kept: spaces, dashes, dots and brackets are how people write numbers, not part of them.</summary>
    public static string NormalisePhone(string phone)
    {
        var trimmed = phone.Trim();
        var digits = new string(trimmed.Where(char.IsAsciiDigit).ToArray());
        return trimmed.StartsWith('+') ? "+" + digits : digits;
    }

    /// <summary>A plausible e-mail: one @ with text either side, no spaces, at most 254 characters.</summary>
    public static bool IsEmail(string value)
    {
        var email = value.Trim();
        var at = email.IndexOf('@');
        return email.Length <= 254 && at > 0 && at == email.LastIndexOf('@') && at < email.Length - 1 && !email.Any(char.IsWhiteSpace);
    }

    /// <summary>A plausible phone number: 5-15 digits (E.164's most), optionally a leading +, written with spaces, dashes, dots or brackets.</summary>
    public static bool IsPhone(string value) =>
        value.Trim().All(c => char.IsAsciiDigit(c) || c is ' ' or '-' or '.' or '(' or ')' or '+')
        && value.Trim().LastIndexOf('+') <= 0
        && NormalisePhone(value).TrimStart('+').Length is >= 5 and <= 15;

    private string Hash(string kind, string normalised) =>
        Prefix + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{kind}|{normalised}"))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

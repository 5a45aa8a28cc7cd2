namespace Fulfilment.Inventory;

/// <summary>A card key bound to an order: which inventory partition (shard) holds it and its key id.</summary>
internal sealed record KeyRef(int Shard, string KeyId)
{
    public override string ToString() => $"{Shard}:{KeyId}";

    public static KeyRef Parse(string text)
    {
        var colon = text.IndexOf(':');
        return new KeyRef(int.Parse(text.AsSpan(0, colon), System.Globalization.CultureInfo.InvariantCulture), text[(colon + 1)..]);
    }
}

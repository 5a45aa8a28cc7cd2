using System.Security.Cryptography;
using Fulfilment.Crypto;

namespace Fulfilment.Tests;

public sealed class CardKeyCipherTests
{
    private static readonly byte[] Dek = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void Sealed_key_opens_on_its_own_row()
    {
        var sealedKey = CardKeyCipher.Seal(Dek, "sku-1", "key-a", "CARD-1234");
        Assert.Equal("CARD-1234", CardKeyCipher.Open(Dek, "sku-1", "key-a", CardKeyCipher.FormatVersion, sealedKey));
    }

    [Theory]
    [InlineData("sku-2", "key-a", CardKeyCipher.FormatVersion)]
    [InlineData("sku-1", "key-b", CardKeyCipher.FormatVersion)]
    [InlineData("sku-1", "key-a", 2)]
    public void Sealed_key_moved_to_another_row_or_format_does_not_open(string sku, string keyId, int version)
    {
        var sealedKey = CardKeyCipher.Seal(Dek, "sku-1", "key-a", "CARD-1234");
        Assert.Throws<SealedValueException>(() => CardKeyCipher.Open(Dek, sku, keyId, version, sealedKey));
    }

    [Theory]
    [InlineData(0)]   // nonce
    [InlineData(14)]  // ciphertext
    [InlineData(-1)]  // tag
    public void Tampered_sealed_key_does_not_open(int position)
    {
        var sealedKey = CardKeyCipher.Seal(Dek, "sku-1", "key-a", "CARD-1234");
        sealedKey[position < 0 ? sealedKey.Length + position : position] ^= 0x01;
        var error = Assert.Throws<SealedValueException>(() => CardKeyCipher.Open(Dek, "sku-1", "key-a", CardKeyCipher.FormatVersion, sealedKey));
        Assert.DoesNotContain("CARD", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sealed_key_does_not_open_under_another_DEK() =>
        Assert.Throws<SealedValueException>(() =>
            CardKeyCipher.Open(RandomNumberGenerator.GetBytes(32), "sku-1", "key-a", 1, CardKeyCipher.Seal(Dek, "sku-1", "key-a", "CARD-1")));

    [Fact]
    public void Same_key_seals_differently_each_time_but_has_one_key_id()
    {
        var fingerprintKey = RandomNumberGenerator.GetBytes(32);
        Assert.NotEqual(CardKeyCipher.Seal(Dek, "s", "k", "CARD-1"), CardKeyCipher.Seal(Dek, "s", "k", "CARD-1"));
        Assert.Equal(CardKeyCipher.KeyId(fingerprintKey, "CARD-1"), CardKeyCipher.KeyId(fingerprintKey, "CARD-1"));
        Assert.NotEqual(CardKeyCipher.KeyId(fingerprintKey, "CARD-1"), CardKeyCipher.KeyId(fingerprintKey, "CARD-2"));
        Assert.NotEqual(CardKeyCipher.KeyId(fingerprintKey, "CARD-1"), CardKeyCipher.KeyId(RandomNumberGenerator.GetBytes(32), "CARD-1"));
    }
}

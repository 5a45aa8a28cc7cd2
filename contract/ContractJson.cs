using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fulfilment.Contract;

/// <summary>How the records are written on the wire: the web defaults (camelCase names, numbers as numbers).</summary>
public static class ContractJson
{
    /// <summary>For clients: a field they do not know (a newer app) is skipped.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// For the project's own tools and tests, built from the same commit as the app: an answer with a field the record
    /// does not have, without a field it requires, or with null where it says never, is refused. The app and these
    /// records cannot drift apart unnoticed.
    /// </summary>
    public static readonly JsonSerializerOptions Strict = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };
}

using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Fulfilment.Contract;
using Fulfilment.Functions.GetOpenApiDocument;

namespace Fulfilment.Tests;

/// <summary>
/// docs/openapi.json describes the records of the HTTP contract (contract/) exactly: every record is a schema of the same
/// name with the same properties, JSON types, nullability and required list, and every object a request or an answer
/// carries is one of those schemas. The document's descriptions, patterns and limits stay written by hand.
/// </summary>
public sealed class ContractDocumentTests
{
    private static readonly NullabilityInfoContext Nullability = new();

    private static readonly JsonElement Document = LoadDocument();

    private static JsonElement Schemas => Document.GetProperty("components").GetProperty("schemas");

    /// <summary>The records sent as JSON (<see cref="ImportBatch"/> travels as a query, checked on its own below).</summary>
    private static IEnumerable<Type> Records => typeof(ContractJson).Assembly.GetExportedTypes()
        .Where(t => t.IsClass && !t.IsAbstract && t != typeof(ImportBatch))
        .OrderBy(t => t.Name, StringComparer.Ordinal);

    [Fact]
    public void Every_record_is_a_schema_with_its_properties_types_and_nullability()
    {
        var problems = Records.SelectMany(record => Schemas.TryGetProperty(record.Name, out var schema)
            ? Compare(record, schema)
            : [$"{record.Name}: no schema of that name"]).ToList();
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Every_schema_is_a_record_or_a_named_string()
    {
        var records = Records.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        var strays = Schemas.EnumerateObject()
            .Where(s => !records.Contains(s.Name) && !IsString(s.Value))
            .Select(s => s.Name)
            .ToList();
        Assert.Empty(strays);
    }

    [Fact]
    public void Every_object_a_request_or_an_answer_carries_is_a_named_schema_and_every_record_is_used()
    {
        var inline = new List<string>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (where, schema) in BodySchemas())
        {
            if (schema.TryGetProperty("$ref", out var reference))
            {
                used.Add(RefName(reference));
            }
            else if (schema.TryGetProperty("oneOf", out var choices) && choices.EnumerateArray().All(c => c.TryGetProperty("$ref", out _)))
            {
                used.UnionWith(References(choices)); // one of several named answers
            }
            else if (IsObject(schema))
            {
                inline.Add(where);
            }
        }

        Assert.True(inline.Count == 0, "inline objects (name them as contract records): " + string.Join(", ", inline));

        // Records reached from the bodies, through the schemas' own references.
        var pending = new Queue<string>(used);
        while (pending.TryDequeue(out var name))
        {
            foreach (var reference in References(Schemas.GetProperty(name)).Where(used.Add))
            {
                pending.Enqueue(reference);
            }
        }

        var unused = Records.Select(r => r.Name).Where(name => !used.Contains(name)).ToList();
        Assert.True(unused.Count == 0, "records no operation carries: " + string.Join(", ", unused));
    }

    [Fact]
    public void The_import_batch_is_the_key_upload_query()
    {
        var parameters = Document.GetProperty("paths").GetProperty("/api/ops/skus/{sku}/keys").GetProperty("post").GetProperty("parameters")
            .EnumerateArray()
            .Where(p => p.GetProperty("in").GetString() == "query")
            .Select(p => p.GetProperty("name").GetString()!)
            .Order(StringComparer.Ordinal);
        var properties = typeof(ImportBatch).GetProperties().Select(p => JsonNameOf(p)).Order(StringComparer.Ordinal);
        Assert.Equal(properties, parameters);
        Assert.Equal("supplier=acme&unitCost=7.5&expiresAt=2030-01-02T03%3A04%3A05.0000000%2B00%3A00",
            new ImportBatch("acme", 7.5m, ExpiresAt: new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero)).ToQuery());
    }

    [Fact]
    public void The_comparison_notices_a_record_and_a_schema_that_disagree()
    {
        var schema = JsonDocument.Parse("""
            {"type": "object", "required": ["name"], "properties": {
              "name": {"type": "string"}, "count": {"type": "string"}, "note": {"type": "string"}, "extra": {"type": "string"}}}
            """).RootElement;
        var problems = Compare(typeof(Disagreeing), schema).ToList();
        Assert.Contains(problems, p => p.Contains("'count'", StringComparison.Ordinal) && p.Contains("integer", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'note'", StringComparison.Ordinal) && p.Contains("nullable", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'extra'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'missing'", StringComparison.Ordinal));
    }

    private static IEnumerable<string> Compare(Type record, JsonElement schema)
    {
        var properties = record.GetProperties(BindingFlags.Public | BindingFlags.Instance).ToDictionary(JsonNameOf, StringComparer.Ordinal);
        var documented = schema.TryGetProperty("properties", out var p) ? p.EnumerateObject().ToDictionary(x => x.Name, x => x.Value, StringComparer.Ordinal) : [];
        var required = schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(x => x.GetString()!).ToHashSet(StringComparer.Ordinal) : [];

        foreach (var name in documented.Keys.Where(name => !properties.ContainsKey(name)))
        {
            yield return $"{record.Name}: the document has '{name}', the record does not";
        }

        foreach (var (name, property) in properties)
        {
            if (!documented.TryGetValue(name, out var documentedProperty))
            {
                yield return $"{record.Name}: the record has '{name}', the document does not";
                continue;
            }

            var nullable = IsNullable(property);
            if (nullable != IsNullable(documentedProperty))
            {
                yield return $"{record.Name}: '{name}' is {(nullable ? "" : "not ")}nullable in the record, the document says otherwise";
            }

            if (nullable == required.Contains(name))
            {
                yield return $"{record.Name}: '{name}' must be {(nullable ? "left out of" : "in")} the required list";
            }

            if (Mismatch(property.PropertyType, documentedProperty) is { } mismatch)
            {
                yield return $"{record.Name}: '{name}' {mismatch}";
            }
        }
    }

    /// <summary>Why the CLR type and the schema describe different JSON, or null when they agree.</summary>
    private static string? Mismatch(Type type, JsonElement schema)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(object))
        {
            return null; // any JSON
        }

        if (schema.TryGetProperty("oneOf", out var choices))
        {
            // e.g. an amount sent as a number or as a decimal string: the record's type must be one of the choices.
            return choices.EnumerateArray().Any(choice => Mismatch(type, choice) is null) ? null : $"is {type.Name}, none of the document's oneOf";
        }

        if (Resolve(schema) is not { } resolved)
        {
            return "has neither a type nor a reference in the document";
        }

        var (expected, items) = JsonTypeOf(type);
        var actual = resolved.Value.TryGetProperty("type", out var t) ? t.GetString() : null;
        if (expected == "object")
        {
            return resolved.Name == type.Name ? null : $"should refer to {type.Name}, refers to {resolved.Name ?? actual}";
        }

        if (actual != expected)
        {
            return $"is {expected} in the record, {actual} in the document";
        }

        return items is null ? null : Mismatch(items, resolved.Value.GetProperty("items")) is { } inner ? "items " + inner : null;
    }

    /// <summary>The schema itself, or the schema its <c>$ref</c> (alone or as the one <c>allOf</c>) names, with that name.</summary>
    private static (string? Name, JsonElement Value)? Resolve(JsonElement schema)
    {
        if (schema.TryGetProperty("allOf", out var all) && all.GetArrayLength() == 1)
        {
            schema = all[0];
        }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            var name = RefName(reference);
            return (name, Schemas.GetProperty(name));
        }

        return schema.TryGetProperty("type", out _) ? (null, schema) : null;
    }

    private static (string Type, Type? Items) JsonTypeOf(Type type)
    {
        if (type == typeof(string) || type == typeof(DateTimeOffset))
        {
            return ("string", null);
        }

        if (type == typeof(bool))
        {
            return ("boolean", null);
        }

        if (type == typeof(int) || type == typeof(long))
        {
            return ("integer", null);
        }

        if (type == typeof(decimal) || type == typeof(double))
        {
            return ("number", null);
        }

        var list = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) ? type : null;
        return list is not null ? ("array", list.GetGenericArguments()[0]) : ("object", null);
    }

    private static bool IsNullable(PropertyInfo property) =>
        Nullable.GetUnderlyingType(property.PropertyType) is not null || Nullability.Create(property).ReadState == NullabilityState.Nullable;

    private static bool IsNullable(JsonElement schema) =>
        schema.TryGetProperty("nullable", out var nullable) && nullable.GetBoolean();

    private static bool IsObject(JsonElement schema) =>
        schema.TryGetProperty("properties", out _) || (schema.TryGetProperty("type", out var type) && type.GetString() == "object");

    private static bool IsString(JsonElement schema) =>
        schema.TryGetProperty("type", out var type) && type.GetString() == "string";

    private static string JsonNameOf(PropertyInfo property) =>
        property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);

    private static string RefName(JsonElement reference) => reference.GetString()!["#/components/schemas/".Length..];

    /// <summary>Every schema named by a <c>$ref</c> anywhere inside <paramref name="schema"/>.</summary>
    private static IEnumerable<string> References(JsonElement schema) => schema.ValueKind switch
    {
        JsonValueKind.Object => schema.EnumerateObject().SelectMany(p => p.Name == "$ref" ? [RefName(p.Value)] : References(p.Value)),
        JsonValueKind.Array => schema.EnumerateArray().SelectMany(References),
        _ => [],
    };

    /// <summary>The schema of every request body and every answer, in the operations and in the shared answers.</summary>
    private static IEnumerable<(string Where, JsonElement Schema)> BodySchemas()
    {
        var operations = Document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Where(o => o.Value.ValueKind == JsonValueKind.Object && o.Value.TryGetProperty("responses", out _))
                .Select(o => (Where: $"{o.Name.ToUpperInvariant()} {path.Name}", Operation: o.Value)));
        foreach (var (where, operation) in operations)
        {
            if (operation.TryGetProperty("requestBody", out var body))
            {
                foreach (var schema in ContentSchemas(body))
                {
                    yield return ($"{where} request", schema);
                }
            }

            foreach (var response in operation.GetProperty("responses").EnumerateObject())
            {
                foreach (var schema in ContentSchemas(response.Value))
                {
                    yield return ($"{where} {response.Name}", schema);
                }
            }
        }

        foreach (var shared in Document.GetProperty("components").GetProperty("responses").EnumerateObject())
        {
            foreach (var schema in ContentSchemas(shared.Value))
            {
                yield return ($"responses/{shared.Name}", schema);
            }
        }
    }

    private static IEnumerable<JsonElement> ContentSchemas(JsonElement holder) =>
        holder.TryGetProperty("content", out var content)
            ? content.EnumerateObject().Where(c => c.Value.TryGetProperty("schema", out _)).Select(c => c.Value.GetProperty("schema"))
            : [];

    private static JsonElement LoadDocument()
    {
        using var reader = new StreamReader(GetOpenApiDocumentFunction.OpenDocument());
        return JsonDocument.Parse(reader.ReadToEnd()).RootElement.Clone();
    }

    private sealed record Disagreeing(string Name, int Count, string? Note, string Missing);
}

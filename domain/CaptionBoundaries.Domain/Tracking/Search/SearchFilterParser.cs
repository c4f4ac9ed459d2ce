using System.Globalization;
using System.Text;
using CaptionBoundaries.Domain.Errors;

namespace CaptionBoundaries.Domain.Tracking.Search;

/// <summary>
/// Parses MLflow's search filter strings (the run search syntax of the MLflow docs, "Search Runs"): clauses joined by
/// AND, each an identifier (<c>metrics.x</c>, <c>params.x</c>, <c>tags.x</c>, <c>attributes.x</c>, names quoted with
/// backticks or double quotes when they hold special characters), a comparator, and a constant. Metrics and numeric
/// attributes take = != &lt; &lt;= &gt; &gt;=; params, tags and string attributes take = != LIKE ILIKE; run_id also IN and
/// NOT IN. OR is not part of the syntax. Anything else is refused naming the part that is wrong.
/// </summary>
public static class SearchFilterParser
{
    public const int MaxFilterLength = 10_000;
    public const int MaxClauses = 100;

    /// <summary>Attribute names (and their spellings in the docs) mapped to one canonical name.</summary>
    private static readonly Dictionary<string, string> RunAttributes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["run_id"] = "run_id",
        ["run_name"] = "run_name",
        ["run name"] = "run_name",
        ["status"] = "status",
        ["artifact_uri"] = "artifact_uri",
        ["user_id"] = "user_id",
        ["start_time"] = "start_time",
        ["created"] = "start_time",
        ["end_time"] = "end_time",
    };

    private static readonly Dictionary<string, string> ExperimentAttributes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["name"] = "name",
        ["creation_time"] = "creation_time",
        ["last_update_time"] = "last_update_time",
    };

    /// <summary>What one kind of search accepts: its attribute names, which of them are numeric, and whether "attributes." may be left out.</summary>
    private sealed record Grammar(Dictionary<string, string> Attributes, HashSet<string> Numeric, bool BareAttributes);

    private static readonly Grammar Runs = new(RunAttributes, ["start_time", "end_time"], BareAttributes: false);
    private static readonly Grammar Experiments = new(ExperimentAttributes, ["creation_time", "last_update_time"], BareAttributes: true);
    private static readonly string[] NumericComparators = ["=", "!=", "<", "<=", ">", ">="];
    private static readonly string[] StringComparators = ["=", "!=", "LIKE", "ILIKE"];

    public static IReadOnlyList<SearchClause> ParseRunFilter(string? filter) => Parse(filter, Runs);

    /// <summary>Experiment search filters: <c>name</c> (or <c>attributes.name</c>), creation_time, last_update_time and tags.</summary>
    public static IReadOnlyList<SearchClause> ParseExperimentFilter(string? filter) => Parse(filter, Experiments);

    private static IReadOnlyList<SearchClause> Parse(string? filter, Grammar grammar)
    {
        if (string.IsNullOrWhiteSpace(filter)) return [];
        if (filter.Length > MaxFilterLength) throw Invalid($"The filter is longer than {MaxFilterLength} characters.");
        var tokens = Tokenize(filter);
        var clauses = new List<SearchClause>();
        var i = 0;
        while (true)
        {
            clauses.Add(ParseClause(tokens, ref i, grammar));
            if (clauses.Count > MaxClauses) throw Invalid($"The filter has more than {MaxClauses} clauses.");
            if (i >= tokens.Count) return clauses;
            var next = tokens[i];
            if (next.Kind == TokenKind.Word && next.Text.Equals("AND", StringComparison.OrdinalIgnoreCase)) { i++; continue; }
            if (next.Kind == TokenKind.Word && next.Text.Equals("OR", StringComparison.OrdinalIgnoreCase))
                throw Invalid("OR is not supported in search filters; join clauses with AND.");
            throw Invalid($"Expected AND after a clause, found '{next.Text}'.");
        }
    }

    /// <summary>Parses order_by terms such as <c>metrics.acc DESC</c> or <c>attributes.start_time</c>.</summary>
    public static IReadOnlyList<SearchOrder> ParseRunOrder(IEnumerable<string>? orderBy)
    {
        var orders = new List<SearchOrder>();
        foreach (var term in orderBy ?? [])
        {
            if (string.IsNullOrWhiteSpace(term)) continue;
            if (term.Length > 1000) throw Invalid("An order_by term is longer than 1000 characters.", "order_by");
            var tokens = Tokenize(term, "order_by");
            var i = 0;
            var (entity, key) = ParseIdentifier(tokens, ref i, "order_by", Runs);
            var descending = false;
            if (i < tokens.Count && tokens[i].Kind == TokenKind.Word)
            {
                descending = tokens[i].Text.ToUpperInvariant() switch
                {
                    "DESC" => true,
                    "ASC" => false,
                    _ => throw Invalid($"order_by '{term}' must end with ASC or DESC, not '{tokens[i].Text}'.", "order_by"),
                };
                i++;
            }
            if (i != tokens.Count) throw Invalid($"order_by '{term}' has more than an identifier and a direction.", "order_by");
            orders.Add(new SearchOrder(entity, key, descending));
        }
        return orders;
    }

    private static SearchClause ParseClause(List<Token> tokens, ref int i, Grammar grammar)
    {
        var (entity, key) = ParseIdentifier(tokens, ref i, "filter", grammar);
        if (i >= tokens.Count) throw Invalid($"The clause on '{key}' has no comparator.");
        var comparator = tokens[i].Text.ToUpperInvariant();
        i++;
        if (comparator == "NOT")
        {
            if (i < tokens.Count && tokens[i].Text.Equals("IN", StringComparison.OrdinalIgnoreCase)) { comparator = "NOT IN"; i++; }
            else throw Invalid($"Expected IN after NOT in the clause on '{key}'.");
        }

        var numeric = entity == SearchEntity.Metric || (entity == SearchEntity.Attribute && grammar.Numeric.Contains(key));
        if (comparator is "IN" or "NOT IN")
        {
            if (entity != SearchEntity.Attribute || key != "run_id")
                throw Invalid($"{comparator} is supported on attributes.run_id only, not on '{key}'.");
            return new SearchClause(entity, key, comparator, null, null, ParseList(tokens, ref i, key));
        }

        var allowed = numeric ? NumericComparators : StringComparators;
        if (!allowed.Contains(comparator))
            throw Invalid($"'{comparator}' cannot compare '{key}'; use one of: {string.Join(", ", allowed)}.");
        if (i >= tokens.Count) throw Invalid($"The clause on '{key}' has no value.");
        var value = tokens[i++];
        if (numeric)
        {
            if (value.Kind != TokenKind.Number || !double.TryParse(value.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                throw Invalid($"'{key}' is compared with a number, not '{value.Text}'.");
            return new SearchClause(entity, key, comparator, number, null, null);
        }
        if (value.Kind != TokenKind.String)
            throw Invalid($"'{key}' is compared with a quoted string, not '{value.Text}'.");
        return new SearchClause(entity, key, comparator, null, value.Text, null);
    }

    private static List<string> ParseList(List<Token> tokens, ref int i, string key)
    {
        if (i >= tokens.Count || tokens[i].Kind != TokenKind.Open) throw Invalid($"IN on '{key}' needs a list in parentheses.");
        i++;
        var items = new List<string>();
        while (true)
        {
            if (i >= tokens.Count || tokens[i].Kind != TokenKind.String) throw Invalid($"IN on '{key}' takes quoted strings.");
            items.Add(tokens[i++].Text);
            if (i < tokens.Count && tokens[i].Kind == TokenKind.Comma) { i++; continue; }
            if (i < tokens.Count && tokens[i].Kind == TokenKind.Close) { i++; return items; }
            throw Invalid($"The list after IN on '{key}' is not closed.");
        }
    }

    private static (SearchEntity, string) ParseIdentifier(List<Token> tokens, ref int i, string field, Grammar grammar)
    {
        if (i >= tokens.Count || tokens[i].Kind != TokenKind.Word) throw Invalid("Expected an identifier such as metrics.accuracy.", field);
        var word = tokens[i++].Text;
        if (grammar.BareAttributes && grammar.Attributes.TryGetValue(word, out var bare)) return (SearchEntity.Attribute, bare);
        var dot = word.IndexOf('.');
        if (dot < 0) throw Invalid($"'{word}' is not an identifier: write metrics.<key>, params.<key>, tags.<key> or attributes.<name>.", field);
        var type = word[..dot];
        var key = word[(dot + 1)..];
        if (key.Length == 0)
        {
            // A quoted name follows the dot: metrics.`f1 score`, params."model-type".
            if (i < tokens.Count && tokens[i].Kind is TokenKind.String or TokenKind.Quoted) key = tokens[i++].Text;
            else throw Invalid($"'{word}' names no key.", field);
        }
        var entity = type.ToLowerInvariant() switch
        {
            "metric" or "metrics" => SearchEntity.Metric,
            "param" or "params" or "parameter" or "parameters" => SearchEntity.Param,
            "tag" or "tags" => SearchEntity.Tag,
            "attribute" or "attributes" or "attr" or "run" => SearchEntity.Attribute,
            _ => throw Invalid($"'{type}' is not an entity type: use metrics, params, tags or attributes.", field),
        };
        if (entity == SearchEntity.Attribute)
        {
            if (!grammar.Attributes.TryGetValue(key, out var canonical))
                throw Invalid($"'{key}' is not an attribute here: use one of {string.Join(", ", grammar.Attributes.Values.Distinct())}.", field);
            key = canonical;
        }
        return (entity, key);
    }

    private enum TokenKind
    {
        Word,
        String,
        Quoted,
        Number,
        Comparator,
        Open,
        Close,
        Comma,
    }

    private sealed record Token(TokenKind Kind, string Text);

    private static List<Token> Tokenize(string text, string field = "filter")
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c is '\'' or '"' or '`')
            {
                var end = text.IndexOf(c, i + 1);
                if (end < 0) throw Invalid($"A {c} quote opened at position {i} is never closed.", field);
                tokens.Add(new Token(c == '`' ? TokenKind.Quoted : TokenKind.String, text[(i + 1)..end]));
                i = end + 1;
                continue;
            }
            if (c is '(' or ')' or ',')
            {
                tokens.Add(new Token(c == '(' ? TokenKind.Open : c == ')' ? TokenKind.Close : TokenKind.Comma, c.ToString()));
                i++;
                continue;
            }
            if (c is '=' or '!' or '<' or '>')
            {
                var op = i + 1 < text.Length && text[i + 1] == '=' ? text.Substring(i, 2) : c.ToString();
                if (op == "!") throw Invalid($"'!' at position {i} must be '!='.", field);
                tokens.Add(new Token(TokenKind.Comparator, op));
                i += op.Length;
                continue;
            }
            if (char.IsDigit(c) || ((c is '-' or '+' or '.') && i + 1 < text.Length && (char.IsDigit(text[i + 1]) || text[i + 1] == '.')))
            {
                var start = i;
                i++;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '.' || (text[i] is '-' or '+' && text[i - 1] is 'e' or 'E'))) i++;
                tokens.Add(new Token(TokenKind.Number, text[start..i]));
                continue;
            }
            if (char.IsLetter(c) || c == '_')
            {
                var word = new StringBuilder();
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '.')) word.Append(text[i++]);
                tokens.Add(new Token(TokenKind.Word, word.ToString()));
                continue;
            }
            throw Invalid($"Unexpected character '{c}' at position {i}.", field);
        }
        return tokens;
    }

    private static DomainException Invalid(string message, string field = "filter") => DomainException.Invalid($"Invalid {field}: {message}", field);
}

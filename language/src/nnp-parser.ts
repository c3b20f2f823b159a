// The parser, with a size limit: a spec describes a model and its experiments (a few hundred
// lines, at most a few thousand); data belong in data files. A file beyond the limit gets one
// clear diagnostic at its start instead of seconds of parsing in the editor and the CLI.
import { createLangiumParser, type AstNode, type LangiumCoreServices, type LangiumParser, type ParseResult } from 'langium';

/** Characters; 1 Mi is about 30 000 lines of spec, ten times the largest spec we plan for. */
export const MAX_SPEC_CHARS = 1024 * 1024;

export function createNnpParser(services: LangiumCoreServices): LangiumParser {
    const parser = createLangiumParser(services);
    const parse = parser.parse.bind(parser);
    parser.parse = <T extends AstNode = AstNode>(input: string, options?: Parameters<LangiumParser['parse']>[1]): ParseResult<T> => {
        if (input.length <= MAX_SPEC_CHARS) return parse<T>(input, options);
        const empty = parse<T>('', options);
        const mb = (input.length / 1048576).toFixed(1);
        empty.lexerErrors.push({
            offset: 0, line: 1, column: 1, length: Math.min(input.indexOf('\n') >>> 0, 80) || 1,
            message: `This file has ${mb} M characters; specs longer than ${MAX_SPEC_CHARS / 1048576} M characters are not parsed. Keep structures and data in data files (extended XYZ, n2p2 input.data) and refer to them with 'from'.`,
        });
        return empty;
    };
    return parser;
}

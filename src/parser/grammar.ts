import type { CstNode, IParserErrorMessageProvider, TokenType } from 'chevrotain';
import { CstParser } from './chevrotain-runtime.js';
import * as T from './lexer.js';
import { cacheErrorPaths } from './error-paths-cache.js';
import { LazyLookaheadStrategy } from './lazy-lookahead.js';

/**
 * The error provider does not write prose: it records what was expected as JSON, and
 * syntax-errors.ts turns that plus the surrounding tokens into the message and hint users see.
 */
const expectedRecorder: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected }) => JSON.stringify([expected.name]),
  buildNotAllInputParsedMessage: () => JSON.stringify([]),
  buildNoViableAltMessage: ({ expectedPathsPerAlt }) => JSON.stringify(firstTokens(expectedPathsPerAlt.flat())),
  buildEarlyExitMessage: ({ expectedIterationPaths }) => JSON.stringify(firstTokens(expectedIterationPaths)),
};

function firstTokens(paths: TokenType[][]): string[] {
  return [...new Set(paths.map((p) => p[0]?.name).filter((n): n is string => n !== undefined))];
}

/** Chevrotain CST grammar of the Eddy dialect; cst-to-ast.ts turns its trees into ast.ts nodes. */
export class SqlGrammar extends CstParser {
  /**
   * `validate` runs chevrotain's grammar checks (ambiguities, left recursion); they cost ~30 ms of
   * every start, so the shared instance skips them and a parser test constructs one with them.
   */
  constructor(validate = false) {
    super(T.allTokens, { maxLookahead: 4, lookaheadStrategy: new LazyLookaheadStrategy(4), errorMessageProvider: expectedRecorder, nodeLocationTracking: 'full', skipValidations: !validate });
    this.performSelfAnalysis();
    cacheErrorPaths(this);
  }

  statement = this.RULE('statement', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.queryExpr) },
      { ALT: () => this.SUBRULE(this.createStmt) },
      { ALT: () => this.SUBRULE(this.createViewStmt) },
      { ALT: () => this.SUBRULE(this.createFunctionStmt) },
      { ALT: () => this.SUBRULE(this.dropViewStmt) },
      { ALT: () => this.SUBRULE(this.dropFunctionStmt) },
      { ALT: () => this.SUBRULE(this.insertStmt) },
      { ALT: () => this.SUBRULE(this.dropStmt) },
      { ALT: () => this.SUBRULE(this.setStmt) },
      { ALT: () => this.SUBRULE(this.resetStmt) },
      { ALT: () => this.SUBRULE(this.explainStmt) },
      { ALT: () => this.SUBRULE(this.showCreateStmt) },
      { ALT: () => this.SUBRULE(this.showStmt) },
      { ALT: () => this.SUBRULE(this.describeStmt) },
      { ALT: () => this.SUBRULE(this.terminateStmt) },
    ]);
  });

  createStmt = this.RULE('createStmt', () => {
    this.CONSUME(T.Create);
    this.OR([{ ALT: () => this.CONSUME(T.Stream) }, { ALT: () => this.CONSUME(T.Table) }]);
    this.OPTION(() => {
      this.CONSUME(T.If);
      this.CONSUME(T.Not);
      this.CONSUME(T.Exists);
    });
    this.CONSUME(T.Name, { LABEL: 'name' });
    this.OR2([
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.tableElement);
          this.MANY(() => {
            this.CONSUME(T.Comma);
            this.SUBRULE2(this.tableElement);
          });
          this.CONSUME(T.RParen);
          // Flink's PARTITIONED BY (col, ...): 'partitioned' stays a name, so a gate tells the clause.
          this.OPTION5({
            GATE: () => this.LA(1).image.toUpperCase() === 'PARTITIONED',
            DEF: () => {
              this.CONSUME7(T.Name, { LABEL: 'partitioned' });
              this.CONSUME(T.By);
              this.CONSUME2(T.LParen);
              this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.CONSUME8(T.Name, { LABEL: 'partitionColumn' }) });
              this.CONSUME2(T.RParen);
            },
          });
          this.OPTION2(() => {
            this.CONSUME(T.With);
            this.SUBRULE(this.optionList);
          });
          this.OPTION4(() => this.SUBRULE(this.likeClause));
        },
      },
      {
        ALT: () => {
          this.OPTION3(() => {
            this.CONSUME2(T.With);
            this.SUBRULE2(this.optionList);
          });
          this.OR3([
            {
              ALT: () => {
                this.CONSUME(T.As);
                this.SUBRULE(this.queryExpr);
              },
            },
            { ALT: () => this.SUBRULE2(this.likeClause) },
          ]);
        },
      },
    ]);
  });

  /** Flink's `LIKE source [(INCLUDING | EXCLUDING | OVERWRITING  ALL | CONSTRAINTS | GENERATED | OPTIONS | WATERMARKS, ...)]`. */
  likeClause = this.RULE('likeClause', () => {
    this.CONSUME(T.Like);
    this.CONSUME(T.Name, { LABEL: 'source' });
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.AT_LEAST_ONE(() => {
        this.CONSUME2(T.Name, { LABEL: 'mode' });
        this.CONSUME3(T.Name, { LABEL: 'what' });
      });
      this.CONSUME(T.RParen);
    });
  });

  tableElement = this.RULE('tableElement', () => {
    // Two tokens tell WATERMARK FOR from a column; the gate tells the constraint from a column
    // (both start with two names). Deeper lookahead would follow the computed column's expression
    // and cost ~60 ms of every start to precompute.
    this.OR({
      MAX_LOOKAHEAD: 2,
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          // PRIMARY and KEY stay names (a column may be called `key`): the pair starts a constraint.
          GATE: () => this.LA(1).image.toUpperCase() === 'PRIMARY' && this.LA(2).image.toUpperCase() === 'KEY',
          ALT: () => {
            this.CONSUME3(T.Name, { LABEL: 'primary' });
            this.CONSUME4(T.Name, { LABEL: 'keyWord' });
            this.CONSUME(T.LParen);
            this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.CONSUME5(T.Name, { LABEL: 'keyColumn' }) });
            this.CONSUME(T.RParen);
            this.OPTION(() => {
              this.CONSUME(T.Not);
              this.CONSUME6(T.Name, { LABEL: 'enforced' });
            });
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Watermark);
            this.CONSUME(T.For);
            this.CONSUME(T.Name, { LABEL: 'column' });
            this.CONSUME(T.As);
            this.SUBRULE(this.expr);
          },
        },
        {
          ALT: () => {
            this.CONSUME2(T.Name, { LABEL: 'column' });
            this.OR2([
              { ALT: () => this.SUBRULE(this.dataType) },
              {
                // A computed column, as Flink's `ts AS TO_TIMESTAMP(...)`.
                ALT: () => {
                  this.CONSUME2(T.As);
                  this.SUBRULE2(this.expr, { LABEL: 'computed' });
                },
              },
            ]);
          },
        },
      ],
    });
  });

  /** One field of `ROW<name type, ...>` / `ROW(name type, ...)`. */
  rowField = this.RULE('rowField', () => {
    this.CONSUME(T.Name, { LABEL: 'field' });
    this.SUBRULE(this.dataType);
  });

  dataType = this.RULE('dataType', () => {
    const word = this.CONSUME(T.Name, { LABEL: 'typeName' });
    this.OPTION({
      GATE: () => this.LA(1).image.toUpperCase() === 'PRECISION',
      DEF: () => this.CONSUME2(T.Name, { LABEL: 'precision' }),
    });
    // ARRAY<T>, MAP<K, V>: the word decides, since `ROW<a INT>` and `ARRAY<INT>` both start `< name`.
    const collection = (): boolean => /^(ARRAY|MAP|MULTISET)$/i.test(word.image ?? '');
    this.OPTION6({
      GATE: collection,
      DEF: () => {
        this.CONSUME2(T.Lt);
        this.SUBRULE(this.dataType, { LABEL: 'elementType' });
        this.OPTION7(() => {
          this.CONSUME4(T.Comma);
          this.SUBRULE2(this.dataType, { LABEL: 'elementType' });
        });
        this.CONSUME2(T.Gt);
      },
    });
    // ROW<a INT, b STRING> (Flink's nested rows); data-type.ts refuses the angle brackets after other words.
    this.OPTION4({ GATE: () => !collection(), DEF: () => {
      this.CONSUME(T.Lt);
      this.SUBRULE(this.rowField);
      this.MANY(() => {
        this.CONSUME2(T.Comma);
        this.SUBRULE2(this.rowField);
      });
      this.CONSUME(T.Gt);
    } });
    // ROW(a INT, b STRING): a name after '(' tells it from VARCHAR(10).
    this.OPTION5({
      GATE: () => this.LA(1).tokenType === T.LParen && this.LA(2).tokenType !== T.NumberLiteral,
      DEF: () => {
        this.CONSUME2(T.LParen);
        this.SUBRULE3(this.rowField);
        this.MANY2(() => {
          this.CONSUME3(T.Comma);
          this.SUBRULE4(this.rowField);
        });
        this.CONSUME2(T.RParen);
      },
    });
    this.OPTION2(() => {
      this.CONSUME(T.LParen);
      this.CONSUME(T.NumberLiteral);
      this.OPTION3(() => {
        this.CONSUME(T.Comma);
        this.CONSUME2(T.NumberLiteral);
      });
      this.CONSUME(T.RParen);
    });
    // Flink's postfix form: `INT ARRAY` is ARRAY<INT>.
    this.MANY3({
      GATE: () => this.LA(1).image.toUpperCase() === 'ARRAY' && this.LA(2).tokenType !== T.LBracket,
      DEF: () => this.CONSUME3(T.Name, { LABEL: 'arraySuffix' }),
    });
  });

  optionList = this.RULE('optionList', () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.optionEntry);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.optionEntry);
    });
    this.CONSUME(T.RParen);
  });

  optionEntry = this.RULE('optionEntry', () => {
    this.SUBRULE(this.settingKey);
    this.CONSUME(T.Eq);
    this.OR([
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
    ]);
  });

  /** A quoted key, or a bare one made of words joined by '.' and '-' (`fields.price.min`, `rows-per-second`). */
  settingKey = this.RULE('settingKey', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.StringLiteral) },
      {
        ALT: () => {
          this.CONSUME(T.AnyWord, { LABEL: 'part' });
          this.MANY(() => {
            this.OR2([{ ALT: () => this.CONSUME(T.Dot, { LABEL: 'part' }) }, { ALT: () => this.CONSUME(T.Minus, { LABEL: 'part' }) }]);
            this.OR3([
              { ALT: () => this.CONSUME2(T.AnyWord, { LABEL: 'part' }) },
              { ALT: () => this.CONSUME(T.NumberLiteral, { LABEL: 'part' }) },
            ]);
          });
        },
      },
    ]);
  });

  /** `CREATE [TEMPORARY] VIEW [IF NOT EXISTS] name [(col, ...)] AS query`, as Flink's. */
  createViewStmt = this.RULE('createViewStmt', () => {
    this.CONSUME(T.Create);
    this.OPTION(() => this.CONSUME(T.Temporary));
    // CREATE MATERIALIZED VIEW (RisingWave, Materialize): a maintained result, see src/runtime/materialized-views.ts.
    this.OPTION4(() => this.CONSUME(T.Materialized));
    this.CONSUME(T.View);
    this.OPTION2(() => {
      this.CONSUME(T.If);
      this.CONSUME(T.Not);
      this.CONSUME(T.Exists);
    });
    this.CONSUME(T.Name, { LABEL: 'name' });
    this.OPTION3(() => {
      this.CONSUME(T.LParen);
      this.CONSUME2(T.Name, { LABEL: 'column' });
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.CONSUME3(T.Name, { LABEL: 'column' });
      });
      this.CONSUME(T.RParen);
    });
    this.CONSUME(T.As);
    this.SUBRULE(this.queryExpr);
  });

  /** Flink's `CREATE [TEMPORARY [SYSTEM]] FUNCTION [IF NOT EXISTS] name AS 'identifier' [LANGUAGE JAVA | SCALA | PYTHON | JAVASCRIPT]`. */
  createFunctionStmt = this.RULE('createFunctionStmt', () => {
    this.CONSUME(T.Create);
    this.OPTION(() => {
      this.CONSUME(T.Temporary);
      this.OPTION2({ GATE: () => this.LA(1).image.toUpperCase() === 'SYSTEM', DEF: () => this.CONSUME(T.Name, { LABEL: 'system' }) });
    });
    this.CONSUME(T.FunctionKw);
    this.OPTION3(() => {
      this.CONSUME(T.If);
      this.CONSUME(T.Not);
      this.CONSUME(T.Exists);
    });
    this.CONSUME2(T.Name, { LABEL: 'name' });
    this.CONSUME(T.As);
    this.CONSUME(T.StringLiteral, { LABEL: 'target' });
    this.OPTION4({
      GATE: () => this.LA(1).image.toUpperCase() === 'LANGUAGE',
      DEF: () => {
        this.CONSUME3(T.Name, { LABEL: 'languageKw' });
        this.CONSUME4(T.Name, { LABEL: 'language' });
      },
    });
  });

  /** `DROP [TEMPORARY [SYSTEM]] FUNCTION [IF EXISTS] name`. */
  dropFunctionStmt = this.RULE('dropFunctionStmt', () => {
    this.CONSUME(T.Drop);
    this.OPTION(() => {
      this.CONSUME(T.Temporary);
      this.OPTION2({ GATE: () => this.LA(1).image.toUpperCase() === 'SYSTEM', DEF: () => this.CONSUME(T.Name, { LABEL: 'system' }) });
    });
    this.CONSUME(T.FunctionKw);
    this.OPTION3(() => {
      this.CONSUME(T.If);
      this.CONSUME(T.Exists);
    });
    this.CONSUME2(T.Name, { LABEL: 'name' });
  });

  /** `DROP [TEMPORARY] VIEW [IF EXISTS] name`. */
  dropViewStmt = this.RULE('dropViewStmt', () => {
    this.CONSUME(T.Drop);
    this.OPTION(() => this.CONSUME(T.Temporary));
    this.OPTION3(() => this.CONSUME(T.Materialized));
    this.CONSUME(T.View);
    this.OPTION2(() => {
      this.CONSUME(T.If);
      this.CONSUME(T.Exists);
    });
    this.CONSUME(T.Name, { LABEL: 'name' });
  });

  dropStmt = this.RULE('dropStmt', () => {
    this.CONSUME(T.Drop);
    this.OR([{ ALT: () => this.CONSUME(T.Stream) }, { ALT: () => this.CONSUME(T.Table) }]);
    this.OPTION(() => {
      this.CONSUME(T.If);
      this.CONSUME(T.Exists);
    });
    this.CONSUME(T.Name, { LABEL: 'name' });
  });

  insertStmt = this.RULE('insertStmt', () => {
    this.CONSUME(T.Insert);
    // Flink: INSERT { INTO | OVERWRITE } table.
    this.OR1([{ ALT: () => this.CONSUME(T.Into) }, { ALT: () => this.CONSUME(T.Overwrite, { LABEL: 'overwrite' }) }]);
    this.CONSUME(T.Name, { LABEL: 'target' });
    this.OR([
      { ALT: () => this.SUBRULE(this.queryExpr) },
      {
        ALT: () => {
          this.OPTION(() => {
            this.CONSUME(T.LParen);
            this.CONSUME2(T.Name, { LABEL: 'column' });
            this.MANY(() => {
              this.CONSUME(T.Comma);
              this.CONSUME3(T.Name, { LABEL: 'column' });
            });
            this.CONSUME(T.RParen);
          });
          this.CONSUME(T.Values);
          this.SUBRULE(this.valuesRow);
          this.MANY2(() => {
            this.CONSUME2(T.Comma);
            this.SUBRULE2(this.valuesRow);
          });
        },
      },
    ]);
  });

  valuesRow = this.RULE('valuesRow', () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expr);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.expr);
    });
    this.CONSUME(T.RParen);
  });

  setStmt = this.RULE('setStmt', () => {
    this.CONSUME(T.SetKw);
    this.OPTION(() => {
      this.SUBRULE(this.settingKey);
      this.CONSUME(T.Eq);
      this.OR([
        { ALT: () => this.CONSUME(T.StringLiteral) },
        {
          // A bare value such as `1s`, `true` or `exactly-once`: kept as its source text.
          ALT: () =>
            this.AT_LEAST_ONE(() =>
              this.OR2([
                { ALT: () => this.CONSUME(T.AnyWord, { LABEL: 'bare' }) },
                { ALT: () => this.CONSUME(T.NumberLiteral, { LABEL: 'bare' }) },
                { ALT: () => this.CONSUME(T.Dot, { LABEL: 'bare' }) },
                { ALT: () => this.CONSUME(T.Minus, { LABEL: 'bare' }) },
              ]),
            ),
        },
      ]);
    });
  });

  explainStmt = this.RULE('explainStmt', () => {
    this.CONSUME(T.Explain);
    this.OPTION(() => {
      this.CONSUME(T.Plan);
      this.CONSUME(T.For);
    });
    this.SUBRULE(this.statement);
  });

  /** Flink's `RESET` (every setting) and `RESET 'key'`. */
  resetStmt = this.RULE('resetStmt', () => {
    this.CONSUME(T.Reset);
    this.OPTION(() => this.SUBRULE(this.settingKey));
  });

  /** `SHOW CREATE TABLE | STREAM | VIEW | MATERIALIZED VIEW name`: the statement that created it. */
  showCreateStmt = this.RULE('showCreateStmt', () => {
    this.CONSUME(T.Show);
    this.CONSUME(T.Create);
    this.OR([
      { ALT: () => this.CONSUME(T.Table, { LABEL: 'kind' }) },
      { ALT: () => this.CONSUME(T.Stream, { LABEL: 'kind' }) },
      { ALT: () => this.CONSUME(T.View, { LABEL: 'kind' }) },
      {
        ALT: () => {
          this.CONSUME(T.Materialized, { LABEL: 'kind' });
          this.CONSUME2(T.View);
        },
      },
    ]);
    this.CONSUME(T.Name, { LABEL: 'name' });
  });

  showStmt = this.RULE('showStmt', () => {
    this.CONSUME(T.Show);
    this.CONSUME(T.Name, { LABEL: 'what' });
    // SHOW MATERIALIZED VIEWS: two words ('materialized' is not reserved, so it is a Name here).
    this.OPTION(() => this.CONSUME2(T.Name, { LABEL: 'what2' }));
  });

  describeStmt = this.RULE('describeStmt', () => {
    this.OR([{ ALT: () => this.CONSUME(T.Describe) }, { ALT: () => this.CONSUME(T.Desc) }]);
    this.CONSUME(T.Name, { LABEL: 'name' });
    // DESCRIBE QUERY q: the first name is the word QUERY.
    this.OPTION(() => this.CONSUME2(T.Name, { LABEL: 'target' }));
  });

  terminateStmt = this.RULE('terminateStmt', () => {
    this.CONSUME(T.Terminate);
    this.OR([
      { ALT: () => this.CONSUME(T.Name, { LABEL: 'id' }) },
      { ALT: () => this.CONSUME(T.StringLiteral, { LABEL: 'id' }) },
      { ALT: () => this.CONSUME(T.NumberLiteral, { LABEL: 'id' }) },
    ]);
  });

  /**
   * `term [{UNION | EXCEPT} [ALL | DISTINCT] term ...]`, each term an INTERSECT chain (INTERSECT
   * binds tighter, as in standard SQL and Calcite); build-statement.ts folds them left to right.
   */
  queryExpr = this.RULE('queryExpr', () => {
    this.SUBRULE(this.intersectExpr);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Union, { LABEL: 'setOp' }) }, { ALT: () => this.CONSUME(T.Except, { LABEL: 'setOp' }) }]);
      this.OPTION(() => {
        this.OR2([{ ALT: () => this.CONSUME(T.All, { LABEL: 'all' }) }, { ALT: () => this.CONSUME(T.Distinct, { LABEL: 'distinct' }) }]);
      });
      this.SUBRULE2(this.intersectExpr);
    });
  });

  /** `term [INTERSECT [ALL | DISTINCT] term ...]`. */
  intersectExpr = this.RULE('intersectExpr', () => {
    this.SUBRULE(this.queryTerm);
    this.MANY(() => {
      this.CONSUME(T.Intersect, { LABEL: 'setOp' });
      this.OPTION(() => {
        this.OR([{ ALT: () => this.CONSUME(T.All, { LABEL: 'all' }) }, { ALT: () => this.CONSUME(T.Distinct, { LABEL: 'distinct' }) }]);
      });
      this.SUBRULE2(this.queryTerm);
    });
  });

  /** A SELECT, or a parenthesised query. */
  queryTerm = this.RULE('queryTerm', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.selectStmt) },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.queryExpr);
          this.CONSUME(T.RParen);
        },
      },
    ]);
  });

  selectStmt = this.RULE('selectStmt', () => {
    this.CONSUME(T.Select);
    this.SUBRULE(this.selectItem);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.selectItem);
    });
    // Without FROM (`SELECT 1 + 1`): one row, as Flink's VALUES of one row.
    this.OPTION6(() => {
      this.CONSUME(T.From);
      this.SUBRULE(this.fromClause);
    });
    this.OPTION(() => {
      this.CONSUME(T.Where);
      this.SUBRULE(this.expr, { LABEL: 'where' });
    });
    this.OPTION2(() => {
      this.CONSUME(T.Group);
      this.CONSUME(T.By);
      this.SUBRULE(this.groupItem, { LABEL: 'groupBy' });
      this.MANY2(() => {
        this.CONSUME2(T.Comma);
        this.SUBRULE2(this.groupItem, { LABEL: 'groupBy' });
      });
    });
    this.OPTION3(() => {
      this.CONSUME(T.Having);
      this.SUBRULE4(this.expr, { LABEL: 'having' });
    });
    // ORDER BY: only a point-in-time query (over a materialized view) has a final order; the planner refuses it elsewhere.
    this.OPTION5(() => {
      this.CONSUME(T.Order);
      this.CONSUME2(T.By);
      this.SUBRULE(this.orderItem);
      this.MANY3(() => {
        this.CONSUME3(T.Comma);
        this.SUBRULE2(this.orderItem);
      });
    });
    this.OPTION4(() => {
      this.CONSUME(T.Limit);
      this.CONSUME(T.NumberLiteral, { LABEL: 'limit' });
    });
  });

  /**
   * One GROUP BY item: an expression, a parenthesised list `(a, b)` or `()`, `ROLLUP (...)`,
   * `CUBE (...)` or `GROUPING SETS (item, ...)`. GROUPING, SETS, ROLLUP and CUBE stay names (gates
   * on the words, as PRIMARY KEY); build-statement.ts expands the items into grouping sets.
   */
  groupItem = this.RULE('groupItem', () => {
    this.OR({
      MAX_LOOKAHEAD: 2,
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          GATE: () => this.LA(1).image.toUpperCase() === 'GROUPING' && this.LA(2).image.toUpperCase() === 'SETS',
          ALT: () => {
            this.CONSUME(T.Name, { LABEL: 'groupingSets' });
            this.CONSUME2(T.Name);
            this.CONSUME(T.LParen);
            this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.groupItem, { LABEL: 'element' }) });
            this.CONSUME(T.RParen);
          },
        },
        {
          GATE: () => ['ROLLUP', 'CUBE'].includes(this.LA(1).image.toUpperCase()) && this.LA(2).tokenType === T.LParen,
          ALT: () => {
            this.CONSUME3(T.Name, { LABEL: 'multi' });
            this.CONSUME2(T.LParen);
            this.AT_LEAST_ONE_SEP2({ SEP: T.Comma, DEF: () => this.SUBRULE2(this.groupItem, { LABEL: 'element' }) });
            this.CONSUME2(T.RParen);
          },
        },
        {
          GATE: () => this.LA(1).tokenType === T.LParen && this.parenthesisedList(),
          ALT: () => {
            this.CONSUME3(T.LParen, { LABEL: 'list' });
            this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expr, { LABEL: 'listExpr' }) });
            this.CONSUME3(T.RParen);
          },
        },
        { ALT: () => this.SUBRULE2(this.expr, { LABEL: 'expr' }) },
      ],
    });
  });

  /** Whether the `(` at LA(1) opens `()` or a list with a comma at its top level (not a parenthesised expression). */
  private parenthesisedList(): boolean {
    let depth = 0;
    for (let i = 1; ; i++) {
      const t = this.LA(i).tokenType;
      if (t === T.LParen) depth++;
      else if (t === T.RParen) {
        if (i === 2) return true;
        if (--depth === 0) return false;
      } else if (t === T.Comma && depth === 1) return true;
      else if (t.name === 'EOF') return false;
    }
  }

  /** `expr [ASC | DESC]` of ORDER BY. */
  orderItem = this.RULE('orderItem', () => {
    this.SUBRULE(this.expr);
    this.OPTION(() => this.OR([{ ALT: () => this.CONSUME(T.Asc) }, { ALT: () => this.CONSUME(T.Desc) }]));
  });

  selectItem = this.RULE('selectItem', () => {
    // `q.*` is told from an expression by its third token: deeper lookahead only costs (its paths
    // through every expression form took ~15 ms of the first statement).
    this.OR({ MAX_LOOKAHEAD: 3, DEF: [
      { ALT: () => this.CONSUME(T.Star) },
      {
        ALT: () => {
          this.CONSUME(T.Name, { LABEL: 'qualifier' });
          this.CONSUME(T.Dot);
          this.CONSUME2(T.Star);
        },
      },
      {
        ALT: () => {
          this.SUBRULE(this.expr);
          this.SUBRULE(this.alias);
        },
      },
    ] });
  });

  /** `[AS] name`, optional. */
  alias = this.RULE('alias', () => {
    // `a CROSS JOIN b`: CROSS is not a's alias.
    this.OPTION({ GATE: () => !(this.LA(1).image.toUpperCase() === 'CROSS' && this.LA(2).tokenType === T.Join), DEF: () => {
      this.OPTION2(() => this.CONSUME(T.As));
      this.CONSUME(T.Name);
    } });
  });

  /** FROM items joined left to right: `a [INNER|LEFT|RIGHT|FULL [OUTER]] JOIN b ON ...` or `a, b` (the condition in WHERE). */
  fromClause = this.RULE('fromClause', () => {
    this.SUBRULE(this.fromItem);
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.Comma, { LABEL: 'joinStep' });
            this.SUBRULE2(this.fromItem);
          },
        },
        { ALT: () => this.SUBRULE(this.joinStep) },
      ]);
    });
  });

  joinStep = this.RULE('joinStep', () => {
    // CROSS JOIN (no ON): CROSS stays a name, so a column called cross still parses.
    const cross = this.OPTION3({ GATE: () => this.LA(1).image.toUpperCase() === 'CROSS' && this.LA(2).tokenType === T.Join, DEF: () => this.CONSUME(T.Name, { LABEL: 'cross' }) });
    this.OPTION({
      GATE: () => cross === undefined,
      DEF: () => this.OR([
        { ALT: () => this.CONSUME(T.Inner, { LABEL: 'joinType' }) },
        {
          ALT: () => {
            this.OR2([
              { ALT: () => this.CONSUME(T.Left, { LABEL: 'joinType' }) },
              { ALT: () => this.CONSUME(T.Right, { LABEL: 'joinType' }) },
              { ALT: () => this.CONSUME(T.Full, { LABEL: 'joinType' }) },
            ]);
            this.OPTION2(() => this.CONSUME(T.Outer));
          },
        },
      ]),
    });
    this.CONSUME(T.Join);
    this.SUBRULE(this.fromItem);
    this.OPTION4({
      GATE: () => cross === undefined,
      DEF: () => {
        this.CONSUME(T.On);
        this.SUBRULE(this.expr, { LABEL: 'on' });
      },
    });
  });

  fromItem = this.RULE('fromItem', () => {
    this.OR([
      {
        // UNNEST(collection) [WITH ORDINALITY]: one row per element (src/planner/bind-unnest.ts).
        GATE: () => this.LA(1).image.toUpperCase() === 'UNNEST' && this.LA(2).tokenType === T.LParen,
        ALT: () => {
          this.CONSUME4(T.Name, { LABEL: 'unnest' });
          this.CONSUME3(T.LParen);
          this.SUBRULE(this.expr, { LABEL: 'unnestOf' });
          this.CONSUME3(T.RParen);
          this.OPTION2({
            GATE: () => this.LA(2).image.toUpperCase() === 'ORDINALITY',
            DEF: () => {
              this.CONSUME(T.With);
              this.CONSUME5(T.Name, { LABEL: 'ordinality' });
            },
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Table);
          this.CONSUME(T.LParen);
          this.SUBRULE(this.windowTvf);
          this.CONSUME(T.RParen);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Name, { LABEL: 'stream' });
          // `rates FOR SYSTEM_TIME AS OF o.ts`: a temporal join's versioned table (src/planner/bind-temporal.ts).
          this.OPTION(() => {
            this.CONSUME(T.For);
            this.CONSUME2(T.Name, { LABEL: 'systemTime' });
            this.CONSUME(T.As, { LABEL: 'asOfAs' });
            this.CONSUME3(T.Name, { LABEL: 'of' });
            this.SUBRULE(this.additive, { LABEL: 'asOf' });
          });
        },
      },
      {
        // A derived table: FROM (SELECT ... UNION ALL SELECT ...) [AS] u, or FROM (VALUES (1, 'a'), ...) [AS] t
        ALT: () => {
          this.CONSUME2(T.LParen);
          this.OR2([
            { ALT: () => this.SUBRULE(this.queryExpr, { LABEL: 'subquery' }) },
            {
              ALT: () => {
                this.CONSUME(T.Values, { LABEL: 'values' });
                this.SUBRULE(this.valuesRow);
                this.MANY(() => {
                  this.CONSUME(T.Comma);
                  this.SUBRULE2(this.valuesRow);
                });
              },
            },
          ]);
          this.CONSUME2(T.RParen);
        },
      },
    ]);
    this.SUBRULE(this.alias);
    // Column aliases: UNNEST(...) AS t (a, b), FROM (VALUES ...) AS t(id, name), FROM (SELECT ...) AS u(a, b).
    this.OPTION3(() => {
      this.CONSUME4(T.LParen, { LABEL: 'columnsOpen' });
      this.CONSUME6(T.Name, { LABEL: 'columnAlias' });
      this.MANY2(() => {
        this.CONSUME2(T.Comma);
        this.CONSUME7(T.Name, { LABEL: 'columnAlias' });
      });
      this.CONSUME4(T.RParen);
    });
  });

  windowTvf = this.RULE('windowTvf', () => {
    this.CONSUME(T.Name, { LABEL: 'fn' });
    this.CONSUME(T.LParen);
    this.SUBRULE(this.tvfArg);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.tvfArg);
    });
    this.CONSUME(T.RParen);
  });

  tvfArg = this.RULE('tvfArg', () => {
    this.OPTION(() => {
      this.CONSUME(T.Name, { LABEL: 'argName' });
      this.CONSUME(T.Arrow);
    });
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Table);
          this.CONSUME2(T.Name, { LABEL: 'table' });
          this.OPTION2(() => {
            this.CONSUME(T.Partition);
            this.CONSUME(T.By);
            this.SUBRULE(this.expr, { LABEL: 'partitionBy' });
            this.MANY({
              // `, DESCRIPTOR(..)` and `, NAME => ..` end the key list.
              GATE: () => this.LA(2).tokenType !== T.Descriptor && this.LA(3).tokenType !== T.Arrow,
              DEF: () => {
                this.CONSUME(T.Comma);
                this.SUBRULE2(this.expr, { LABEL: 'partitionBy' });
              },
            });
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Descriptor);
          this.CONSUME(T.LParen);
          this.CONSUME3(T.Name, { LABEL: 'timeCol' });
          this.CONSUME(T.RParen);
        },
      },
      { ALT: () => this.SUBRULE3(this.expr, { LABEL: 'value' }) },
    ]);
  });

  expr = this.RULE('expr', () => {
    this.SUBRULE(this.andExpr, { LABEL: 'operand' });
    this.MANY(() => {
      this.CONSUME(T.Or);
      this.SUBRULE2(this.andExpr, { LABEL: 'operand' });
    });
  });

  andExpr = this.RULE('andExpr', () => {
    this.SUBRULE(this.notExpr, { LABEL: 'operand' });
    this.MANY(() => {
      this.CONSUME(T.And);
      this.SUBRULE2(this.notExpr, { LABEL: 'operand' });
    });
  });

  notExpr = this.RULE('notExpr', () => {
    this.MANY(() => this.CONSUME(T.Not));
    this.SUBRULE(this.comparison);
  });

  comparison = this.RULE('comparison', () => {
    this.SUBRULE(this.additive);
    // A bare `IN` not followed by '(' is POSITION(a IN b)'s separator, not an IN list.
    this.MANY({ GATE: () => this.LA(1).tokenType !== T.In || this.LA(2).tokenType === T.LParen, DEF: () => this.SUBRULE(this.predicate) });
  });

  /** What may follow the left operand of a comparison: `= x`, `IS [NOT] NULL`, `[NOT] BETWEEN|IN|LIKE ...`. */
  predicate = this.RULE('predicate', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.CompOp);
          this.SUBRULE(this.additive, { LABEL: 'right' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Is);
          this.OPTION(() => this.CONSUME(T.Not));
          this.CONSUME(T.Null);
        },
      },
      {
        ALT: () => {
          this.OPTION2(() => this.CONSUME2(T.Not));
          this.OR2([
            {
              ALT: () => {
                this.CONSUME(T.Between);
                this.SUBRULE2(this.additive, { LABEL: 'low' });
                this.CONSUME(T.And);
                this.SUBRULE3(this.additive, { LABEL: 'high' });
              },
            },
            {
              ALT: () => {
                this.CONSUME(T.In);
                this.CONSUME(T.LParen);
                this.OR3([
                  // `IN (SELECT ...)`: a subquery, bound as a semi join (NOT IN: an anti join).
                  { GATE: () => this.LA(1).tokenType === T.Select, ALT: () => this.SUBRULE(this.queryExpr, { LABEL: 'inQuery' }) },
                  {
                    ALT: () => {
                      this.SUBRULE(this.expr, { LABEL: 'list' });
                      this.MANY(() => {
                        this.CONSUME(T.Comma);
                        this.SUBRULE2(this.expr, { LABEL: 'list' });
                      });
                    },
                  },
                ]);
                this.CONSUME(T.RParen);
              },
            },
            {
              ALT: () => {
                this.CONSUME(T.Like);
                this.SUBRULE4(this.additive, { LABEL: 'pattern' });
                this.OPTION3({
                  GATE: () => this.LA(1).image.toUpperCase() === 'ESCAPE' && this.LA(2).tokenType === T.StringLiteral,
                  DEF: () => {
                    this.CONSUME(T.Name, { LABEL: 'escapeKw' });
                    this.CONSUME(T.StringLiteral, { LABEL: 'escape' });
                  },
                });
              },
            },
          ]);
        },
      },
    ]);
  });

  additive = this.RULE('additive', () => {
    this.SUBRULE(this.multiplicative, { LABEL: 'operand' });
    this.MANY(() => {
      this.CONSUME(T.AddOp);
      this.SUBRULE2(this.multiplicative, { LABEL: 'operand' });
    });
  });

  multiplicative = this.RULE('multiplicative', () => {
    this.SUBRULE(this.unary, { LABEL: 'operand' });
    this.MANY(() => {
      this.CONSUME(T.MulOp);
      this.SUBRULE2(this.unary, { LABEL: 'operand' });
    });
  });

  unary = this.RULE('unary', () => {
    // A sign is one token: one token of lookahead decides (deeper paths cost ~8 ms to compute).
    this.MANY({ MAX_LOOKAHEAD: 1, DEF: () => this.OR([{ ALT: () => this.CONSUME(T.Minus, { LABEL: 'sign' }) }, { ALT: () => this.CONSUME(T.Plus, { LABEL: 'sign' }) }]) });
    this.SUBRULE(this.primary);
    this.MANY2(() => this.SUBRULE(this.subscript));
  });

  /** `[index]` after a value (an ARRAY element, 1-based, or a MAP value), then `.field` of a ROW element. */
  subscript = this.RULE('subscript', () => {
    this.CONSUME(T.LBracket);
    this.SUBRULE(this.expr, { LABEL: 'index' });
    this.CONSUME(T.RBracket);
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.CONSUME(T.Name, { LABEL: 'field' });
    });
  });

  /** `ARRAY[a, b, ...]` and `MAP[k1, v1, k2, v2, ...]` (ARRAY and MAP stay names: only the '[' makes a constructor). */
  constructorExpr = this.RULE('constructorExpr', () => {
    this.CONSUME(T.Name, { LABEL: 'ctor' });
    this.CONSUME(T.LBracket);
    this.OPTION(() => {
      this.SUBRULE(this.expr, { LABEL: 'item' });
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.expr, { LABEL: 'item' });
      });
    });
    this.CONSUME(T.RBracket);
  });

  primary = this.RULE('primary', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.CONSUME(T.Null) },
      { ALT: () => this.SUBRULE(this.intervalLit) },
      {
        ALT: () => {
          this.CONSUME(T.Timestamp);
          this.CONSUME2(T.StringLiteral, { LABEL: 'timestampText' });
        },
      },
      { ALT: () => this.SUBRULE(this.castExpr) },
      { ALT: () => this.SUBRULE(this.caseExpr) },
      {
        GATE: () => /^(ARRAY|MAP)$/i.test(this.LA(1).image) && this.LA(2).tokenType === T.LBracket,
        ALT: () => this.SUBRULE(this.constructorExpr),
      },
      {
        // `EXISTS (SELECT ...)`: bound as a semi join (NOT EXISTS: an anti join).
        ALT: () => {
          this.CONSUME(T.Exists);
          this.CONSUME3(T.LParen);
          this.SUBRULE(this.queryExpr, { LABEL: 'exists' });
          this.CONSUME3(T.RParen);
        },
      },
      {
        // `(SELECT ...)` as a value: a scalar subquery (bound as a join with its one-row result).
        GATE: () => this.LA(2).tokenType === T.Select,
        ALT: () => {
          this.CONSUME4(T.LParen);
          this.SUBRULE2(this.queryExpr, { LABEL: 'scalarQuery' });
          this.CONSUME4(T.RParen);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.expr);
          this.CONSUME(T.RParen);
        },
      },
      { ALT: () => this.SUBRULE(this.nameExpr) },
    ]);
  });

  intervalLit = this.RULE('intervalLit', () => {
    this.CONSUME(T.Interval);
    this.OR([{ ALT: () => this.CONSUME(T.StringLiteral, { LABEL: 'amount' }) }, { ALT: () => this.CONSUME(T.NumberLiteral, { LABEL: 'amount' }) }]);
    this.OPTION({
      GATE: () => isIntervalUnit(this.LA(1).image),
      DEF: () => this.CONSUME(T.Name, { LABEL: 'unit' }),
    });
  });

  castExpr = this.RULE('castExpr', () => {
    this.CONSUME(T.Cast);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expr);
    this.CONSUME(T.As);
    this.SUBRULE(this.dataType);
    this.CONSUME(T.RParen);
  });

  caseExpr = this.RULE('caseExpr', () => {
    this.CONSUME(T.Case);
    this.OPTION(() => this.SUBRULE(this.expr, { LABEL: 'operand' }));
    this.AT_LEAST_ONE(() => {
      this.CONSUME(T.When);
      this.SUBRULE2(this.expr, { LABEL: 'when' });
      this.CONSUME(T.Then);
      this.SUBRULE3(this.expr, { LABEL: 'then' });
    });
    this.OPTION2(() => {
      this.CONSUME(T.Else);
      this.SUBRULE4(this.expr, { LABEL: 'else' });
    });
    this.CONSUME(T.End);
  });

  /** A column `a`, `t.a`, or a call `f(...)` with optional `FILTER (WHERE ...)`. */
  nameExpr = this.RULE('nameExpr', () => {
    this.CONSUME(T.Name, { LABEL: 'first' });
    this.OPTION(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.Dot);
            this.CONSUME2(T.Name, { LABEL: 'second' });
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.LParen);
            this.OR2([{ ALT: () => this.CONSUME(T.Star) }, { ALT: () => this.SUBRULE(this.callArgs) }]);
            this.CONSUME(T.RParen);
            this.OPTION4({
              GATE: () => this.LA(2).tokenType === T.LParen,
              DEF: () => {
                this.CONSUME(T.Filter);
                this.CONSUME2(T.LParen);
                this.CONSUME(T.Where);
                this.SUBRULE3(this.expr, { LABEL: 'filter' });
                this.CONSUME2(T.RParen);
              },
            });
            this.OPTION5({
              GATE: () => this.LA(1).image.toUpperCase() === 'OVER' && this.LA(2).tokenType === T.LParen,
              DEF: () => this.SUBRULE(this.overClause),
            });
          },
        },
      ]);
    });
  });

  /**
   * `OVER ([PARTITION BY e, ...] [ORDER BY e [ASC|DESC], ...] [ROWS|RANGE BETWEEN b PRECEDING AND CURRENT ROW])`
   * after a call (Flink's ranking functions and OVER aggregates). OVER, ASC, ROWS, RANGE, PRECEDING,
   * CURRENT and ROW are read as names by their text, so none of them becomes a new keyword.
   */
  overClause = this.RULE('overClause', () => {
    this.CONSUME(T.Name, { LABEL: 'over' });
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      this.CONSUME(T.Partition);
      this.CONSUME(T.By);
      this.SUBRULE(this.expr, { LABEL: 'partitionBy' });
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.expr, { LABEL: 'partitionBy' });
      });
    });
    this.OPTION2(() => {
      this.CONSUME(T.Order);
      this.CONSUME2(T.By);
      this.SUBRULE(this.overOrderItem, { LABEL: 'orderBy' });
      this.MANY2(() => {
        this.CONSUME2(T.Comma);
        this.SUBRULE2(this.overOrderItem, { LABEL: 'orderBy' });
      });
    });
    this.OPTION3({
      GATE: () => ['ROWS', 'RANGE'].includes(this.LA(1).image.toUpperCase()),
      DEF: () => {
        this.CONSUME2(T.Name, { LABEL: 'frameUnit' });
        // `BETWEEN <bound> PRECEDING AND CURRENT ROW`, or the short form `<bound> PRECEDING` (the same frame).
        const between = this.OPTION4(() => this.CONSUME(T.Between, { LABEL: 'between' }));
        this.OR([
          { GATE: () => this.LA(1).image.toUpperCase() === 'UNBOUNDED', ALT: () => this.CONSUME3(T.Name, { LABEL: 'unbounded' }) },
          { ALT: () => this.CONSUME(T.NumberLiteral, { LABEL: 'rows' }) },
          { ALT: () => this.SUBRULE(this.intervalLit, { LABEL: 'range' }) },
        ]);
        this.CONSUME4(T.Name, { LABEL: 'preceding' });
        this.OPTION5({
          GATE: () => between !== undefined,
          DEF: () => {
            this.CONSUME(T.And);
            this.CONSUME5(T.Name, { LABEL: 'current' });
            this.CONSUME6(T.Name, { LABEL: 'currentRow' });
          },
        });
      },
    });
    this.CONSUME(T.RParen);
  });

  /** One `e [ASC | DESC]` of an OVER's ORDER BY. */
  overOrderItem = this.RULE('overOrderItem', () => {
    this.SUBRULE(this.expr);
    this.OPTION({
      GATE: () => ['ASC', 'DESC'].includes(this.LA(1).image.toUpperCase()),
      DEF: () => this.CONSUME(T.Name, { LABEL: 'direction' }),
    });
  });

  /**
   * The inside of `f(...)`: `[DISTINCT] a, b, ...`, or one of SQL's keyword-separated forms
   * TRIM([BOTH|LEADING|TRAILING] [chars] FROM s), SUBSTRING(s FROM a [FOR b]), EXTRACT(unit FROM t),
   * POSITION(a IN b), FLOOR/CEIL(t TO unit). The grammar accepts any mix; build-expr.ts checks the
   * shape against the function name, so a misplaced FROM gets a message naming the function.
   */
  callArgs = this.RULE('callArgs', () => {
    this.OPTION(() => this.CONSUME(T.Distinct));
    // One token of lookahead for both options (the gate decides the first; the arguments that do
    // not start with an expression start with a keyword or a comma): deeper lookahead would follow
    // expression paths and cost every start ~25 ms to precompute.
    this.OPTION2({
      MAX_LOOKAHEAD: 1,
      GATE: () => TRIM_SPECS.has(this.LA(1).image.toUpperCase()) && AFTER_TRIM_SPEC.has(this.LA(2).tokenType),
      DEF: () => this.CONSUME(T.Name, { LABEL: 'trimSpec' }),
    });
    this.OPTION3({ MAX_LOOKAHEAD: 1, DEF: () => this.SUBRULE(this.expr, { LABEL: 'arg' }) });
    this.MANY({
      // A name continues the arguments only as FLOOR(ts TO unit)'s TO; otherwise `f(a b)` reports the missing comma.
      GATE: () => this.LA(1).tokenType !== T.Identifier || this.LA(1).image.toUpperCase() === 'TO',
      DEF: () => this.OR([
        {
          ALT: () => {
            this.CONSUME(T.Comma);
            this.SUBRULE2(this.expr, { LABEL: 'arg' });
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.From);
            this.SUBRULE3(this.expr, { LABEL: 'fromArg' });
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.For);
            this.SUBRULE4(this.expr, { LABEL: 'forArg' });
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.In);
            this.SUBRULE5(this.expr, { LABEL: 'inArg' });
          },
        },
        {
          ALT: () => {
            this.CONSUME2(T.Name, { LABEL: 'to' });
            this.CONSUME3(T.Name, { LABEL: 'toUnit' });
          },
        },
      ]),
    });
  });
}

const TRIM_SPECS: ReadonlySet<string> = new Set(['BOTH', 'LEADING', 'TRAILING']);
/** Tokens that may follow BOTH/LEADING/TRAILING in TRIM(...): a FROM or the start of the characters to trim. */
const AFTER_TRIM_SPEC: ReadonlySet<TokenType> = new Set([T.From, T.StringLiteral, T.NumberLiteral, T.Identifier, T.QuotedIdent, T.Cast, T.Case, T.Null]);

/** Unit words accepted after `INTERVAL '10'`, mapped to milliseconds. */
export const INTERVAL_UNITS: ReadonlyMap<string, number> = new Map([
  ['MILLISECOND', 1],
  ['MILLISECONDS', 1],
  ['SECOND', 1000],
  ['SECONDS', 1000],
  ['MINUTE', 60_000],
  ['MINUTES', 60_000],
  ['HOUR', 3_600_000],
  ['HOURS', 3_600_000],
  ['DAY', 86_400_000],
  ['DAYS', 86_400_000],
]);

function isIntervalUnit(word: string): boolean {
  return INTERVAL_UNITS.has(word.toUpperCase());
}

/** The single grammar instance (chevrotain parsers are reusable: set `input`, call a rule). */
export const grammar = new SqlGrammar();

export type { CstNode };

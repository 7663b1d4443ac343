import { describe, expect, it } from 'vitest';
import {
  EMPTY_TEMPLATE_VALUES,
  applyTemplate,
  clearTemplate,
  insertSnippet,
  snippetInputSchema,
  templateInputSchema,
  templatesFitting,
  type TemplateValues,
} from '@/lib/domain/ticket-templates';

const contact = { name: 'Tess Tech', number: '+33 1 00 00 00 01', emailAddress: 'tess@noc.example', organization: 'NOC' };
const fibreCut: TemplateValues = {
  description: 'Fibre cut suspected on the access circuit',
  ticketType: 'maintenance',
  severity: 'extensive',
  priority: 'critical',
  observedImpact: 'down',
  note: 'Customer site reports total loss of service.',
  contacts: [contact],
};
const form = (over: Partial<TemplateValues> = {}): TemplateValues => ({ ...EMPTY_TEMPLATE_VALUES, ...over });

describe('a template fills only the fields the operator has left empty', () => {
  it('fills every field of an untouched form and records what it filled', () => {
    const result = applyTemplate(form(), {}, fibreCut);
    expect(result.form).toEqual(fibreCut);
    expect(result.fill).toEqual(fibreCut);
    expect(result.leftAlone).toEqual([]);
  });

  it('never overwrites typed text or chosen values, and names the fields it left alone', () => {
    const typed = form({ description: 'Line 3 flapping since 09:00', severity: 'minor', note: 'Seen by the NOC' });
    const result = applyTemplate(typed, {}, fibreCut);
    expect(result.form).toEqual({ ...fibreCut, description: 'Line 3 flapping since 09:00', severity: 'minor', note: 'Seen by the NOC' });
    expect(result.leftAlone).toEqual(['description', 'severity', 'note']);
    expect(Object.keys(result.fill)).toEqual(['ticketType', 'priority', 'observedImpact', 'contacts']);
  });

  it('treats whitespace as empty and does not report a field that already holds the template value', () => {
    const result = applyTemplate(form({ description: '   ', priority: 'critical' }), {}, fibreCut);
    expect(result.form.description).toBe(fibreCut.description);
    expect(result.leftAlone).not.toContain('priority');
    expect(result.fill).not.toHaveProperty('priority');
  });

  it('leaves fields the template has no value for as they are', () => {
    const partial = form({ severity: 'moderate' });
    const result = applyTemplate(form({ description: 'typed' }), {}, partial);
    expect(result.form).toEqual(form({ description: 'typed', severity: 'moderate' }));
    expect(result.fill).toEqual({ severity: 'moderate' });
  });
});

describe('choosing another template or clearing takes back only what the template filled and nobody changed', () => {
  const other: TemplateValues = form({ description: 'Slow throughput', severity: 'moderate', priority: 'medium', observedImpact: 'degraded' });

  it('clear empties the template’s fields and keeps the ones the operator changed since', () => {
    const applied = applyTemplate(form({ severity: 'minor' }), {}, fibreCut);
    const edited = { ...applied.form, description: `${applied.form.description} near the cabinet`, contacts: [] };
    const cleared = clearTemplate(edited, applied.fill);
    expect(cleared.form).toEqual(form({ severity: 'minor', description: `${fibreCut.description} near the cabinet` }));
    expect(cleared.kept).toEqual(['description', 'contacts']);
  });

  it('another template replaces the first one’s untouched values, not the operator’s', () => {
    const first = applyTemplate(form({ note: 'typed note' }), {}, fibreCut);
    const changed = { ...first.form, priority: 'low' };
    const second = applyTemplate(changed, first.fill, other);
    expect(second.form).toEqual({
      description: 'Slow throughput',
      ticketType: '',
      severity: 'moderate',
      priority: 'low',
      observedImpact: 'degraded',
      note: 'typed note',
      contacts: [],
    });
    expect(second.leftAlone).toEqual(['priority']);
    expect(second.fill).toEqual({ description: 'Slow throughput', severity: 'moderate', observedImpact: 'degraded' });
  });

  it('clearing with nothing applied changes nothing', () => {
    const typed = form({ description: 'typed' });
    expect(clearTemplate(typed, {})).toEqual({ form: typed, kept: [] });
  });
});

describe('which templates fit the chosen Seller and product', () => {
  const templates = [
    { id: 1, name: 'Generic', seller: null, productId: null },
    { id: 2, name: 'Acme any', seller: 'acme', productId: null },
    { id: 3, name: 'Acme ETH-1', seller: 'acme', productId: 'ETH-1' },
    { id: 4, name: 'Globex any', seller: 'globex', productId: null },
  ];
  const names = (seller: string, product: string) => templatesFitting(templates, seller, product).map((t) => t.name);

  it('offers unscoped ones always, Seller and product ones only when chosen, most specific first', () => {
    expect(names('', '')).toEqual(['Generic']);
    expect(names('acme', '')).toEqual(['Acme any', 'Generic']);
    expect(names('acme', 'ETH-1')).toEqual(['Acme ETH-1', 'Acme any', 'Generic']);
    expect(names('acme', 'ETH-2')).toEqual(['Acme any', 'Generic']);
    expect(names('globex', 'ETH-1')).toEqual(['Globex any', 'Generic']);
  });
});

describe('inserting a note snippet keeps what was typed', () => {
  it('appends on a new line without a caret, or into an empty note as is', () => {
    expect(insertSnippet('', 'Please dispatch.')).toEqual({ text: 'Please dispatch.', caret: 16 });
    expect(insertSnippet('Checked the CPE.', 'Please dispatch.')).toEqual({ text: 'Checked the CPE.\nPlease dispatch.', caret: 33 });
    expect(insertSnippet('Checked.\n', 'Next.', null).text).toBe('Checked.\nNext.');
  });

  it('inserts at the caret, spaced from the words around it', () => {
    const r = insertSnippet('Hello world', 'dear', 5);
    expect(r.text).toBe('Hello dear world');
    expect(r.text.slice(0, r.caret)).toBe('Hello dear');
    expect(insertSnippet('Hello world', 'X', 0).text).toBe('X Hello world');
    expect(insertSnippet('Hello world', 'X', 11).text).toBe('Hello world\nX');
  });
});

describe('template and snippet input rules', () => {
  const valid = { name: 'Fibre cut', description: 'cut', severity: 'extensive', contacts: [contact] };

  it('accepts MEF values and optional scoping, turning empty selects into "left to the operator"', () => {
    const parsed = templateInputSchema.parse({ ...valid, seller: '', productId: '', ticketType: '', priority: 'critical' });
    expect(parsed).toMatchObject({ name: 'Fibre cut', severity: 'extensive', priority: 'critical', note: '' });
    expect(parsed.seller).toBeUndefined();
    expect(parsed.ticketType).toBeUndefined();
  });

  it('refuses values outside the MEF enums under their fields', () => {
    const result = templateInputSchema.safeParse({ ...valid, severity: 'catastrophic', priority: 'P1', observedImpact: 'broken', ticketType: 'repair' });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['severity', 'priority', 'observedImpact', 'ticketType']));
    expect(result.error!.issues.find((i) => i.path[0] === 'severity')!.message).toBe('Choose one of the MEF 113 Severity values');
  });

  it('needs a name, a value to fill, a Seller for a product, and complete contacts', () => {
    const paths = (input: Record<string, unknown>) => templateInputSchema.safeParse(input).error?.issues.map((i) => i.path.join('.')) ?? [];
    expect(paths({ ...valid, name: '  ' })).toEqual(['name']);
    expect(paths({ name: 'Empty' })).toEqual(['_form']);
    expect(paths({ ...valid, productId: 'ETH-1' })).toEqual(['seller']);
    expect(paths({ ...valid, contacts: [{ ...contact, emailAddress: 'not-an-address' }] })).toEqual(['contacts.0.emailAddress']);
  });

  it('snippets need a name and a text', () => {
    expect(snippetInputSchema.safeParse({ name: 'Dispatch', text: 'Please dispatch.' }).success).toBe(true);
    expect(snippetInputSchema.safeParse({ name: '', text: ' ' }).error?.issues.map((i) => i.path[0])).toEqual(['name', 'text']);
  });
});

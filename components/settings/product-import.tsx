'use client';

import Link from 'next/link';
import { useState, useTransition } from 'react';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button, buttonClasses } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import type { ActionState } from '@/lib/actions/authorized-action';
import { confirmProductImport, previewProductImport } from '@/lib/actions/products';
import { PRODUCT_CSV_COLUMNS, type ProductImportReport } from '@/lib/domain/product-csv';

const MAX_BYTES = 1_000_000;

type Step = { kind: 'choose' } | { kind: 'previewed'; state: ActionState<unknown> } | { kind: 'imported'; state: ActionState<unknown> };

/** Two steps: the preview validates every row and writes nothing; only the confirmation saves the good rows. */
export function ProductImport() {
  const [csv, setCsv] = useState('');
  const [fileName, setFileName] = useState('');
  const [fileError, setFileError] = useState<string | null>(null);
  const [step, setStep] = useState<Step>({ kind: 'choose' });
  const [pending, startTransition] = useTransition();

  async function chooseFile(file: File | undefined) {
    setStep({ kind: 'choose' });
    setCsv('');
    setFileError(null);
    setFileName(file?.name ?? '');
    if (!file) return;
    if (file.size > MAX_BYTES) {
      setFileError('The file is larger than 1 MB: split it and import the parts one after the other.');
      return;
    }
    setCsv(await file.text());
  }

  const preview = () =>
    startTransition(async () => {
      setStep({ kind: 'previewed', state: await previewProductImport({ csv }) });
    });
  const confirm = () =>
    startTransition(async () => {
      setStep({ kind: 'imported', state: await confirmProductImport({ csv }) });
    });

  const report = step.kind === 'choose' ? undefined : (step.state.data as ProductImportReport | undefined);

  return (
    <div className="flex flex-col gap-6">
      <Card
        title="1. Choose a CSV file"
        description={
          <>
            First line: <code className="font-mono">{PRODUCT_CSV_COLUMNS.join(',')}</code>. A row whose Seller already
            has its productId replaces that product.
          </>
        }
      >
        <div className="flex flex-wrap items-end gap-3">
          <Field label="CSV file" error={fileError} className="w-96 max-w-full">
            <Input
              type="file"
              accept=".csv,text/csv"
              className="h-auto py-1.5"
              onChange={(e) => void chooseFile(e.target.files?.[0])}
            />
          </Field>
          <Button variant="primary" onClick={preview} disabled={!csv || pending} loading={pending && step.kind === 'choose'}>
            Check the file
          </Button>
        </div>
      </Card>

      {step.kind !== 'choose' ? (
        <Card
          title={step.kind === 'previewed' ? `2. Check ${fileName}` : `Imported ${fileName}`}
          actions={
            step.kind === 'previewed' && report && report.goodCount > 0 ? (
              <Button variant="primary" onClick={confirm} loading={pending}>
                Import {report.goodCount} good row(s)
              </Button>
            ) : step.kind === 'imported' && step.state.ok ? (
              <Link href="/settings/products" className={buttonClasses({ variant: 'secondary' })}>
                See the products
              </Link>
            ) : null
          }
        >
          <div className="flex flex-col gap-4">
            <Alert live tone={!step.state.ok ? 'danger' : step.kind === 'imported' ? 'success' : report?.badCount ? 'warning' : 'info'}>
              {step.state.message}
              {step.kind === 'previewed' && step.state.ok ? ' Nothing is saved until you import.' : null}
              {step.state.errors?.csv ? ` ${step.state.errors.csv.join(' ')}` : null}
            </Alert>
            {report?.fileErrors.length ? (
              <ul className="list-disc pl-5 text-sm text-danger-fg">
                {report.fileErrors.map((e) => (
                  <li key={e}>{e}</li>
                ))}
              </ul>
            ) : null}
            {report && report.rows.length > 0 ? <ImportReportTable report={report} imported={step.kind === 'imported'} /> : null}
          </div>
        </Card>
      ) : null}
    </div>
  );
}

function ImportReportTable({ report, imported }: { report: ProductImportReport; imported: boolean }) {
  return (
    <Table caption="Rows of the file" dense>
      <TableHead>
        <TableRow>
          <TableHeaderCell align="right">Line</TableHeaderCell>
          <TableHeaderCell>Seller</TableHeaderCell>
          <TableHeaderCell>Product id</TableHeaderCell>
          <TableHeaderCell>Outcome</TableHeaderCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {report.rows.map((r) => (
          <TableRow key={r.line}>
            <TableCell align="right" numeric>
              {r.line}
            </TableCell>
            <TableCell className="font-mono text-xs">{r.seller}</TableCell>
            <TableCell numeric>{r.productId}</TableCell>
            <TableCell>
              {r.errors.length ? (
                <div className="flex flex-col gap-1">
                  <Badge tone="danger">{imported ? 'Skipped' : 'Error'}</Badge>
                  <ul className="text-xs text-danger-fg">
                    {r.errors.map((e) => (
                      <li key={e}>{e}</li>
                    ))}
                  </ul>
                </div>
              ) : r.mode === 'update' ? (
                <Badge tone="info">{imported ? 'Updated' : 'Will update'}</Badge>
              ) : (
                <Badge tone="success">{imported ? 'Added' : 'Will add'}</Badge>
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

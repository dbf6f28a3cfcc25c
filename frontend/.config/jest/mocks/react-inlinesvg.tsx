// Grafana's icons load SVG files over the network; in tests an empty <svg> stands in.
import React from 'react';

type Props = { src: string; [key: string]: unknown };

export default function InlineSVG({ src }: Props) {
  return <svg data-src={src} />;
}

// Stylesheets are bundled as text (page/build.mjs) and added to the page as a <style>.
declare module '*.css' {
  const text: string;
  export default text;
}
